/**
 * A list that grows with "加载更多": each step requests the `next` address the
 * previous answer gave (the API's advice: never compute offsets yourself).
 */
import { ref, shallowRef } from 'vue'
import { getUrl } from '../api/client'
import { asApiError } from '../api/problem'

interface Paged<R> {
  results: R[]
  next: string | null
}

export function usePaged<R>() {
  const items = shallowRef<R[]>([])
  const next = ref<string | null>(null)
  const busy = ref(false)
  const error = ref('')

  function reset(page: Paged<R> | null) {
    items.value = page?.results ?? []
    next.value = page?.next ?? null
    error.value = ''
  }

  async function more() {
    if (!next.value || busy.value) return
    busy.value = true
    error.value = ''
    try {
      const { data } = await getUrl<Paged<R>>(next.value)
      items.value = [...items.value, ...data.results]
      next.value = data.next
    } catch (e) {
      error.value = asApiError(e).message
    } finally {
      busy.value = false
    }
  }

  return { items, next, busy, error, reset, more }
}
