/**
 * Whether the browser is online, and whether what is on screen came from the
 * kept copy (an answer marked `X-Lianxi-Offline` by the API client).
 */
import { reactive } from 'vue'

export const connectivity = reactive({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  /** The oldest kept copy shown since the last navigation, if any. */
  staleSince: null as Date | null,
})

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    connectivity.online = true
  })
  window.addEventListener('offline', () => {
    connectivity.online = false
  })
}

export function noteOffline(since: Date | null): void {
  if (!since) return
  if (!connectivity.staleSince || since < connectivity.staleSince) connectivity.staleSince = since
}

export function resetStale(): void {
  connectivity.staleSince = null
}
