/**
 * The typed API client. `paths` and `components` are generated from
 * frontend_contracts/openapi.json (`npm run generate`, run before every
 * type check and build), so a change to the contract that this portal cannot
 * live with fails `vue-tsc`.
 */
import createClient, { type Client } from 'openapi-fetch'
import { refreshingFetch } from '../auth/refresh'
import { auth, type TokenStore } from '../auth/token'
import { conditionalFetch, OFFLINE_HEADER } from './conditional'
import { ApiError, asApiError, problemError } from './problem'
import type { paths } from './schema'
import { createResponseStore, type ResponseStore } from './store'

export type ApiClient = Client<paths>

export interface ApiOptions {
  /** Where `/api/v1/` lives: '' for this origin (behind the same web server). */
  baseUrl: string
  store: ResponseStore
  fetch: (request: Request) => Promise<Response>
  /** The signed-in person's tokens (none: the public API only). */
  tokens?: TokenStore
}

export function createApi(options: ApiOptions): {
  client: ApiClient
  getUrl: <T>(url: string) => Promise<Loaded<T>>
} {
  const cached = conditionalFetch(options.store, options.fetch)
  const tokens = options.tokens
  const fetcher = tokens
    ? refreshingFetch(cached, tokens, () => new URL(`${options.baseUrl}/api/v1/auth/refresh/`, baseForRelative()).href)
    : cached
  const token = () => tokens?.token.value ?? null
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetcher })
  client.use({
    onRequest({ request }) {
      const access = token()
      if (access) request.headers.set('Authorization', `Bearer ${access}`)
      return request
    },
  })

  /** GET an address the API handed out (a list's `next`), through the same caching fetch. */
  async function getUrl<T>(url: string): Promise<Loaded<T>> {
    const headers = new Headers({ Accept: 'application/json' })
    const access = token()
    if (access) headers.set('Authorization', `Bearer ${access}`)
    let response: Response
    try {
      response = await fetcher(new Request(new URL(url, baseForRelative()), { headers }))
    } catch (error) {
      throw asApiError(error)
    }
    const text = await response.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      /* not JSON: a proxy's error page */
    }
    if (!response.ok) throw problemError(response, body)
    return { data: body as T, offline: offlineSince(response) }
  }

  return { client, getUrl }
}

function baseForRelative(): string {
  return typeof location === 'undefined' ? 'http://localhost/' : location.href
}

/** A loaded answer, and since when it is the kept copy if the network was down. */
export interface Loaded<T> {
  data: T
  offline: Date | null
}

function offlineSince(response: Response): Date | null {
  const stamp = response.headers.get(OFFLINE_HEADER)
  return stamp ? new Date(Number(stamp)) : null
}

/**
 * Await an openapi-fetch call and return its data, or throw an `ApiError`
 * made from the problem document (or from the network failure).
 */
export async function load<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Loaded<T>> {
  let result: { data?: T; error?: unknown; response: Response }
  try {
    result = await call
  } catch (error) {
    throw asApiError(error)
  }
  const { data, error, response } = result
  if (response.ok && data !== undefined) return { data, offline: offlineSince(response) }
  throw problemError(response, error)
}

const browserStorage = typeof localStorage === 'undefined' ? undefined : localStorage

const instance = createApi({
  baseUrl: import.meta.env.VITE_API_BASE ?? '',
  store: createResponseStore(browserStorage),
  fetch: (request) => globalThis.fetch(request),
  tokens: auth,
})

export const api = instance.client
export const getUrl = instance.getUrl
export { ApiError }
