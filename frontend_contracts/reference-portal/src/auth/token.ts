/**
 * The signed-in person's API tokens, kept across reloads.
 *
 * The public API needs no token, and a token makes every answer private
 * (`Cache-Control: private, no-store`). Logging in with a mobile number
 * (views/LoginView.vue) keeps the access token and the one-time refresh token
 * here; the API client then sends `Authorization: Bearer <access_token>` on
 * every request, stops keeping copies of the answers, and exchanges the
 * refresh token for a new pair when the access token has expired
 * (auth/refresh.ts). Routes with `meta.requiresAuth` send a visitor without a
 * token to the `login` route.
 */
import { ref } from 'vue'

const KEY = 'lianxi:token'
const REFRESH_KEY = 'lianxi:refresh'
const DEVICE_KEY = 'lianxi:device'

function read(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null
  } catch {
    return null
  }
}

function write(storage: Storage | undefined, key: string, value: string | null): void {
  try {
    if (value) storage?.setItem(key, value)
    else storage?.removeItem(key)
  } catch {
    /* storage unavailable: keep it for this visit only */
  }
}

export function createTokenStore(storage: Storage | undefined) {
  const token = ref<string | null>(read(storage, KEY))
  const refresh = ref<string | null>(read(storage, REFRESH_KEY))
  return {
    /** The access token (`Authorization: Bearer …`). */
    token,
    /** The refresh token: one use only, exchanged for a new pair. */
    refresh,
    /** Set the access token alone; `null` signs out (both tokens are forgotten). */
    set(value: string | null) {
      token.value = value
      write(storage, KEY, value)
      if (!value) {
        refresh.value = null
        write(storage, REFRESH_KEY, null)
      }
    },
    /** Keep a new pair, as `sms-login` and `refresh` answer it. */
    setPair(access: string, refreshToken: string) {
      token.value = access
      refresh.value = refreshToken
      write(storage, KEY, access)
      write(storage, REFRESH_KEY, refreshToken)
    },
  }
}

export type TokenStore = ReturnType<typeof createTokenStore>

/** This browser's device identifier for `sms-login` (kept, so a new login replaces the device's old tokens). */
export function deviceId(storage: Storage | undefined): string {
  const kept = read(storage, DEVICE_KEY)
  if (kept) return kept
  const random =
    typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const id = `web-${random}`
  write(storage, DEVICE_KEY, id)
  return id
}

const browserStorage = typeof localStorage === 'undefined' ? undefined : localStorage

export const auth = createTokenStore(browserStorage)
export const thisDevice = () => deviceId(browserStorage)
