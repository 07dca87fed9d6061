/**
 * The client's copy of GET responses: the ETag to revalidate them with
 * `If-None-Match`, and the body to use on `304` or when the network is gone.
 *
 * Memory first, then `localStorage` so the copy survives a reload (the
 * offline fallback). Bounded: the least recently used entries go first, and a
 * full storage is emptied of old entries rather than failing the request.
 */

export interface StoredResponse {
  etag: string
  body: string
  contentType: string
  /** When the body was last confirmed by the server (ms since the epoch). */
  savedAt: number
}

export interface ResponseStore {
  get(url: string): StoredResponse | undefined
  set(url: string, entry: StoredResponse): void
  /** The server confirmed the copy (a `304`): it is fresh again. */
  touch(url: string): void
  clear(): void
}

export interface StoreOptions {
  prefix?: string
  maxEntries?: number
}

export function createResponseStore(
  storage: Storage | undefined,
  { prefix = 'lianxi:api:', maxEntries = 200 }: StoreOptions = {},
): ResponseStore {
  const memory = new Map<string, StoredResponse>()
  const indexKey = `${prefix}index`

  function readIndex(): string[] {
    try {
      const raw = storage?.getItem(indexKey)
      const parsed: unknown = raw ? JSON.parse(raw) : []
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []
    } catch {
      return []
    }
  }

  let index = readIndex()

  function persist(url: string, entry: StoredResponse): boolean {
    if (!storage) return false
    try {
      storage.setItem(prefix + url, JSON.stringify(entry))
      storage.setItem(indexKey, JSON.stringify(index))
      return true
    } catch {
      return false // quota exceeded, or storage disabled (private mode)
    }
  }

  function evict(count: number): void {
    for (const url of index.splice(0, count)) {
      memory.delete(url)
      try {
        storage?.removeItem(prefix + url)
      } catch {
        /* nothing to free */
      }
    }
  }

  function markUsed(url: string): void {
    index = index.filter((k) => k !== url)
    index.push(url)
  }

  return {
    get(url) {
      const hit = memory.get(url)
      if (hit) return hit
      try {
        const raw = storage?.getItem(prefix + url)
        if (!raw) return undefined
        const entry = JSON.parse(raw) as StoredResponse
        if (typeof entry.etag !== 'string' || typeof entry.body !== 'string') return undefined
        memory.set(url, entry)
        return entry
      } catch {
        return undefined
      }
    },
    set(url, entry) {
      memory.set(url, entry)
      markUsed(url)
      if (index.length > maxEntries) evict(index.length - maxEntries)
      if (!persist(url, entry) && storage) {
        evict(Math.ceil(index.length / 2)) // make room, keep this one, try once more
        markUsed(url)
        memory.set(url, entry)
        persist(url, entry)
      }
    },
    touch(url) {
      const entry = this.get(url)
      if (entry) this.set(url, { ...entry, savedAt: Date.now() })
    },
    clear() {
      evict(index.length)
      memory.clear()
      try {
        storage?.removeItem(indexKey)
      } catch {
        /* ignore */
      }
    },
  }
}
