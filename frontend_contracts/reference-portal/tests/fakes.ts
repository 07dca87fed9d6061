// Test doubles: a Storage in memory (optionally with a quota), and a fetch that answers from a script.

export class MemoryStorage implements Storage {
  private items = new Map<string, string>()
  constructor(private quota = Infinity) {}
  get length() {
    return this.items.size
  }
  clear() {
    this.items.clear()
  }
  getItem(key: string) {
    return this.items.get(key) ?? null
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null
  }
  removeItem(key: string) {
    this.items.delete(key)
  }
  setItem(key: string, value: string) {
    const used = [...this.items].reduce((n, [k, v]) => n + (k === key ? 0 : k.length + v.length), 0)
    if (used + key.length + value.length > this.quota) throw new DOMException('full', 'QuotaExceededError')
    this.items.set(key, value)
  }
}

export interface Seen {
  url: string
  headers: Record<string, string>
}

/** A fetch whose answers are given in order; it records what it was asked. */
export function scriptedFetch(answers: (Response | Error | (() => Response))[]) {
  const seen: Seen[] = []
  const fetch = async (request: Request): Promise<Response> => {
    seen.push({ url: request.url, headers: Object.fromEntries(request.headers.entries()) })
    const next = answers.shift()
    if (next === undefined) throw new Error('no more answers scripted')
    if (next instanceof Error) throw next
    return typeof next === 'function' ? next() : next
  }
  return { fetch, seen }
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  })
}
