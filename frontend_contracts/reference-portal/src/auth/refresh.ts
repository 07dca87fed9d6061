/**
 * Renew an expired access token: when a request made with a token is answered
 * `401`, exchange the refresh token at `/api/v1/auth/refresh/` for a new pair
 * (once, however many requests failed together) and send the request again
 * with the new access token. If the refresh token is refused too, both tokens
 * are forgotten and the `401` goes to the screen (which offers to log in).
 */
import type { TokenStore } from './token'

type Fetch = (request: Request) => Promise<Response>

export function refreshingFetch(inner: Fetch, tokens: TokenStore, refreshUrl: () => string): Fetch {
  let pending: Promise<string | null> | null = null

  async function exchange(refreshToken: string): Promise<string | null> {
    let response: Response
    try {
      response = await inner(
        new Request(refreshUrl(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ refresh_token: refreshToken }),
        }),
      )
    } catch {
      return null // no network: keep the tokens, the screen shows the failure
    }
    if (!response.ok) {
      if (response.status === 400 || response.status === 401) tokens.set(null)
      return null
    }
    const pair = (await response.json()) as { access_token: string; refresh_token: string }
    tokens.setPair(pair.access_token, pair.refresh_token)
    return pair.access_token
  }

  function renew(): Promise<string | null> {
    const refreshToken = tokens.refresh.value
    if (!refreshToken) return Promise.resolve(null)
    pending ??= exchange(refreshToken).finally(() => {
      pending = null
    })
    return pending
  }

  return async (request) => {
    const sent = request.headers.get('Authorization')
    const again = sent && !request.url.includes('/api/v1/auth/') ? request.clone() : null
    const response = await inner(request)
    if (response.status !== 401 || !again) return response
    // Another request may have renewed the pair meanwhile: use its token.
    const current = tokens.token.value
    const token = current && `Bearer ${current}` !== sent ? current : await renew()
    if (!token) return response
    again.headers.set('Authorization', `Bearer ${token}`)
    return inner(again)
  }
}
