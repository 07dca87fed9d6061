/**
 * A screen's data: loading, loaded, failed (with the API's problem), or shown
 * from the kept copy while offline. Re-runs when its sources change; an older
 * answer that arrives late is dropped.
 */
import { ref, shallowRef, watch, type Ref, type ShallowRef, type WatchSource } from 'vue'
import type { Loaded } from '../api/client'
import { asApiError, type ApiError } from '../api/problem'
import { noteOffline } from '../connectivity'

export interface LoadState<T> {
  data: ShallowRef<T | null>
  error: ShallowRef<ApiError | null>
  loading: Ref<boolean>
  offline: ShallowRef<Date | null>
  reload: () => Promise<void>
}

export function useLoad<T>(loader: () => Promise<Loaded<T>> | null, sources: WatchSource[] = []): LoadState<T> {
  const data = shallowRef<T | null>(null)
  const error = shallowRef<ApiError | null>(null)
  const offline = shallowRef<Date | null>(null)
  const loading = ref(true)
  let generation = 0

  async function run(): Promise<void> {
    const mine = ++generation
    const request = loader()
    if (request === null) {
      loading.value = false
      return
    }
    loading.value = true
    error.value = null
    try {
      const result = await request
      if (mine !== generation) return
      data.value = result.data
      offline.value = result.offline
      noteOffline(result.offline)
    } catch (e) {
      if (mine !== generation) return
      error.value = asApiError(e)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  watch(sources, run, { immediate: true })
  return { data, error, loading, offline, reload: run }
}
