import { describe, expect, it } from 'vitest'
import { createApi, load } from '../src/api/client'
import { createResponseStore } from '../src/api/store'
import { createTokenStore, deviceId } from '../src/auth/token'
import { json, MemoryStorage, scriptedFetch } from './fakes'

const BASE = 'http://portal.test'
const REFRESH = `${BASE}/api/v1/auth/refresh/`
const expired = () =>
  json({ type: 'urn:lianxi:problem:not-authenticated', title: '未提供或无效的令牌', status: 401 }, 401)
const pair = (n: number) =>
  json({ access_token: `access${n}`, refresh_token: `refresh${n}`, device: 1, expires_in: 900, refresh_expires_in: 86400 })

function signedIn(answers: Parameters<typeof scriptedFetch>[0]) {
  const storage = new MemoryStorage()
  const tokens = createTokenStore(storage)
  tokens.setPair('access1', 'refresh1')
  const { fetch, seen } = scriptedFetch(answers)
  const api = createApi({ baseUrl: BASE, store: createResponseStore(undefined), fetch, tokens })
  return { ...api, tokens, storage, seen }
}

describe('renewing an expired access token', () => {
  it('exchanges the refresh token on a 401 and sends the request again with the new access token', async () => {
    const { client, tokens, storage, seen } = signedIn([expired(), pair(2), json({ username: 'x' })])
    const { data } = await load(client.GET('/api/v1/me/'))
    expect(data.username).toBe('x')
    expect(seen.map((s) => s.url)).toEqual([`${BASE}/api/v1/me/`, REFRESH, `${BASE}/api/v1/me/`])
    expect(seen[0]!.headers.authorization).toBe('Bearer access1')
    expect(seen[1]!.headers.authorization).toBeUndefined()
    expect(seen[2]!.headers.authorization).toBe('Bearer access2')
    expect([tokens.token.value, tokens.refresh.value]).toEqual(['access2', 'refresh2'])
    // kept across reloads
    expect(createTokenStore(storage).refresh.value).toBe('refresh2')
  })

  it('renews once for requests that failed together', async () => {
    const answers = [expired(), expired(), pair(2), json({ username: 'a' }), json({ username: 'b' })]
    const { client, seen } = signedIn(answers)
    const both = Promise.all([load(client.GET('/api/v1/me/')), load(client.GET('/api/v1/me/'))])
    const [a, b] = await both
    expect([a.data.username, b.data.username].sort()).toEqual(['a', 'b'])
    expect(seen.filter((s) => s.url === REFRESH)).toHaveLength(1)
    expect(seen.filter((s) => s.headers.authorization === 'Bearer access2')).toHaveLength(2)
  })

  it('signs out when the refresh token is refused, and the screen gets the 401', async () => {
    const { client, tokens, seen } = signedIn([expired(), json({ type: 'urn:lianxi:problem:invalid-token', title: '令牌无效', status: 401 }, 401)])
    const error = await load(client.GET('/api/v1/me/')).catch((e) => e)
    expect(error.status).toBe(401)
    expect(seen).toHaveLength(2)
    expect(tokens.token.value).toBeNull()
    expect(tokens.refresh.value).toBeNull()
  })

  it('keeps the tokens when the network fails during the exchange', async () => {
    const { client, tokens } = signedIn([expired(), new TypeError('Failed to fetch')])
    const error = await load(client.GET('/api/v1/me/')).catch((e) => e)
    expect(error.status).toBe(401)
    expect(tokens.refresh.value).toBe('refresh1')
  })

  it('does not try to renew without a token, nor for the login calls themselves', async () => {
    const storage = new MemoryStorage()
    const tokens = createTokenStore(storage)
    const { fetch, seen } = scriptedFetch([expired()])
    const { client } = createApi({ baseUrl: BASE, store: createResponseStore(undefined), fetch, tokens })
    expect((await load(client.GET('/api/v1/me/')).catch((e) => e)).status).toBe(401)
    expect(seen).toHaveLength(1)

    const signed = signedIn([expired()])
    const error = await load(signed.client.POST('/api/v1/auth/logout/')).catch((e) => e)
    expect(error.status).toBe(401)
    expect(signed.seen).toHaveLength(1)
  })
})

describe('the device identifier', () => {
  it('is made once and kept', () => {
    const storage = new MemoryStorage()
    const id = deviceId(storage)
    expect(id).toMatch(/^[A-Za-z0-9._:-]{1,64}$/)
    expect(deviceId(storage)).toBe(id)
  })
})
