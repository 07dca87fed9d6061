/**
 * A `fetch` that makes every anonymous GET a conditional request.
 *
 * The API answers public GETs with an `ETag`; sending it back as
 * `If-None-Match` gets a body-less `304` while nothing changed (see
 * frontend_contracts/README.md, 缓存). This wrapper keeps the last body per
 * URL, sends its ETag, turns a `304` back into that body, and — when the
 * network or the server is down — answers from the kept copy, marked with
 * the `X-Lianxi-Offline` header so the screen can say it may be out of date.
 * Requests with a token are never kept: their answers are private.
 */
import type { ResponseStore, StoredResponse } from './store'

export const OFFLINE_HEADER = 'X-Lianxi-Offline'

type Fetch = (request: Request) => Promise<Response>

function fromStore(entry: StoredResponse, extra: Record<string, string> = {}): Response {
  return new Response(entry.body, {
    status: 200,
    headers: { 'Content-Type': entry.contentType, ETag: entry.etag, ...extra },
  })
}

export function conditionalFetch(store: ResponseStore, baseFetch: Fetch): Fetch {
  return async (request) => {
    if (request.method !== 'GET' || request.headers.has('Authorization')) return baseFetch(request)
    const key = request.url
    const kept = store.get(key)
    let outgoing = request
    if (kept) {
      const headers = new Headers(request.headers)
      headers.set('If-None-Match', kept.etag)
      outgoing = new Request(request, { headers })
    }
    let response: Response
    try {
      response = await baseFetch(outgoing)
    } catch (error) {
      if (kept) return fromStore(kept, { [OFFLINE_HEADER]: String(kept.savedAt) })
      throw error
    }
    if (response.status === 304 && kept) {
      store.touch(key)
      return fromStore(kept)
    }
    if (response.status >= 502 && response.status <= 504 && kept) {
      // The API is unreachable behind a proxy: as good as offline.
      return fromStore(kept, { [OFFLINE_HEADER]: String(kept.savedAt) })
    }
    const etag = response.headers.get('ETag')
    if (response.status === 200 && etag) {
      store.set(key, {
        etag,
        body: await response.clone().text(),
        contentType: response.headers.get('Content-Type') ?? 'application/json',
        savedAt: Date.now(),
      })
    }
    return response
  }
}
