/**
 * The signed-in person's API token, kept across reloads.
 *
 * Nothing in the read-only portal signs in: the public API needs no token, and
 * a token would make every answer private (`Cache-Control: private, no-store`).
 * The interactive screens (log in with a mobile number, write to my deputy,
 * comment on a draft, my messages, my notifications) set it when they log in;
 * the API client then sends `Authorization: Token <key>` on every request and
 * stops keeping copies of the answers, and routes with `meta.requiresAuth`
 * send a visitor without a token to the `login` route.
 */
import { ref } from 'vue'

const KEY = 'lianxi:token'

function read(storage: Storage | undefined): string | null {
  try {
    return storage?.getItem(KEY) ?? null
  } catch {
    return null
  }
}

export function createTokenStore(storage: Storage | undefined) {
  const token = ref<string | null>(read(storage))
  return {
    token,
    set(value: string | null) {
      token.value = value
      try {
        if (value) storage?.setItem(KEY, value)
        else storage?.removeItem(KEY)
      } catch {
        /* storage unavailable: keep it for this visit only */
      }
    },
  }
}

const browserStorage = typeof localStorage === 'undefined' ? undefined : localStorage

export const auth = createTokenStore(browserStorage)
