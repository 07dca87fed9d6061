/**
 * Writing through the API: the field errors of a refused form, and the
 * `Idempotency-Key` that makes sending the same form twice harmless.
 *
 * A refused write is `400` problem+json whose `errors` name the fields
 * (`{ field: 'title', detail: '该字段不能为空。' }`); a form shows each beside
 * its input and the rest (a field it has no input for, or the problem's own
 * `detail`) above the button. The writes of the interaction plugins take an
 * `Idempotency-Key` header: the same key with the same body is done once and
 * answered again (a retry after a lost answer does not post twice); the same
 * key with another body is refused (`422`), so an edited form gets a new key.
 */
import type { ApiError } from './problem'

export interface SplitErrors {
  /** Field name → its messages, for the fields the form has inputs for. */
  fields: Record<string, string>
  /** Everything else, to show once for the whole form ('' when there is nothing). */
  overall: string
}

/** Spread a problem's messages over the form's `fields`; what is left goes to `overall`. */
export function splitErrors(error: ApiError | null, fields: readonly string[]): SplitErrors {
  const out: SplitErrors = { fields: {}, overall: '' }
  if (!error) return out
  const known = new Set(fields)
  const others: string[] = []
  for (const e of error.errors) {
    if (known.has(e.field)) out.fields[e.field] = out.fields[e.field] ? `${out.fields[e.field]} ${e.detail}` : e.detail
    else others.push(e.detail) // the API's Chinese words say which thing is wrong
  }
  // A problem without field errors (403, 409, 429, the network) is said as a whole;
  // with only field errors, the fields say it all.
  if (others.length) out.overall = others.join(' ')
  else if (!error.errors.length) out.overall = [error.title, error.detail].filter(Boolean).join(':')
  if (error.retryAfter && !error.errors.length) out.overall += `(请 ${error.retryAfter} 秒后再试)`
  return out
}

function randomKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID()
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`
}

/**
 * The key for sending `body`: the previous key while the body is the same (a
 * retry), a new one when it changed. `done()` after a success, so that the
 * same words sent again later are a new message, not a replay.
 */
export function idempotencyKeys(make: () => string = randomKey) {
  let last: { body: string; key: string } | null = null
  return {
    keyFor(body: unknown): string {
      const text = JSON.stringify(body)
      if (last?.body !== text) last = { body: text, key: make() }
      return last.key
    },
    done(): void {
      last = null
    },
  }
}
