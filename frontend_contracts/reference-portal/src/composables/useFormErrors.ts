/**
 * A form's errors from the API (api/forms.ts `splitErrors`), shown until the
 * person edits the field concerned: a message beside a field disappears as
 * soon as it is being corrected, and comes back only if the API refuses again.
 */
import { computed, reactive, shallowRef } from 'vue'
import { splitErrors } from '../api/forms'
import { asApiError, type ApiError } from '../api/problem'

export function useFormErrors(fields: readonly string[]) {
  const error = shallowRef<ApiError | null>(null)
  const edited = reactive(new Set<string>())
  const split = computed(() => splitErrors(error.value, fields))
  return {
    error,
    /** The problem (or network failure) of the last attempt. */
    fail(e: unknown) {
      error.value = asApiError(e)
      edited.clear()
    },
    clear() {
      error.value = null
      edited.clear()
    },
    /** The message beside `name` ('' when none, or since it was edited). */
    field(...names: string[]): string {
      return names
        .filter((n) => !edited.has(n))
        .map((n) => split.value.fields[n])
        .filter(Boolean)
        .join(' ')
    },
    edited(...names: string[]) {
      for (const n of names) edited.add(n)
    },
    overall: computed(() => split.value.overall),
  }
}
