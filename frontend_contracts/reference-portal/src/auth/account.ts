/**
 * The signed-in person as `/api/v1/me/` describes them, and the unread count
 * for the badge on "我的": loaded when a token appears, forgotten at logout.
 */
import { reactive, watch } from 'vue'
import { api, load } from '../api/client'
import type { Me } from '../api/types'
import { auth } from './token'

export const account = reactive({ me: null as Me | null, unread: 0 })

export async function loadAccount(): Promise<void> {
  if (!auth.token.value) return
  try {
    const { data } = await load(api.GET('/api/v1/me/'))
    account.me = data
    account.unread = data.unread_notifications
  } catch {
    /* the screens show their own errors; the badge just stays as it was */
  }
}

export function forgetAccount(): void {
  auth.set(null)
  account.me = null
  account.unread = 0
}

watch(auth.token, (token, before) => {
  if (!token) {
    account.me = null
    account.unread = 0
  } else if (!before) void loadAccount()
})
