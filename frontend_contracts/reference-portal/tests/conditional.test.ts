import { describe, expect, it } from 'vitest'
import { conditionalFetch, OFFLINE_HEADER } from '../src/api/conditional'
import { createResponseStore } from '../src/api/store'
import { json, scriptedFetch } from './fakes'

const URL_A = 'http://portal.test/api/v1/columns/?site=340123'

describe('conditional requests', () => {
  it('sends the kept ETag and turns a 304 into the kept body', async () => {
    const { fetch, seen } = scriptedFetch([
      json({ count: 1 }, 200, { ETag: '"v1"' }),
      new Response(null, { status: 304, headers: { ETag: '"v1"' } }),
    ])
    const get = conditionalFetch(createResponseStore(undefined), fetch)
    expect(await (await get(new Request(URL_A))).json()).toEqual({ count: 1 })
    expect(seen[0]!.headers['if-none-match']).toBeUndefined()
    const second = await get(new Request(URL_A))
    expect(seen[1]!.headers['if-none-match']).toBe('"v1"')
    expect(second.status).toBe(200)
    expect(second.headers.get(OFFLINE_HEADER)).toBeNull()
    expect(await second.json()).toEqual({ count: 1 })
  })

  it('replaces the kept copy when the content changed', async () => {
    const { fetch, seen } = scriptedFetch([
      json({ v: 1 }, 200, { ETag: '"v1"' }),
      json({ v: 2 }, 200, { ETag: '"v2"' }),
      new Response(null, { status: 304 }),
    ])
    const get = conditionalFetch(createResponseStore(undefined), fetch)
    await get(new Request(URL_A))
    expect(await (await get(new Request(URL_A))).json()).toEqual({ v: 2 })
    expect(await (await get(new Request(URL_A))).json()).toEqual({ v: 2 })
    expect(seen[2]!.headers['if-none-match']).toBe('"v2"')
  })

  it('answers from the kept copy, marked offline, when the network or the API is down', async () => {
    const { fetch } = scriptedFetch([
      json({ v: 1 }, 200, { ETag: '"v1"' }),
      new TypeError('Failed to fetch'),
      new Response('<html>Bad Gateway</html>', { status: 502 }),
    ])
    const get = conditionalFetch(createResponseStore(undefined), fetch)
    await get(new Request(URL_A))
    for (let i = 0; i < 2; i++) {
      const offline = await get(new Request(URL_A))
      expect(offline.headers.get(OFFLINE_HEADER)).toMatch(/^\d+$/)
      expect(await offline.json()).toEqual({ v: 1 })
    }
  })

  it('fails as the network does when nothing was kept', async () => {
    const { fetch } = scriptedFetch([new TypeError('Failed to fetch')])
    const get = conditionalFetch(createResponseStore(undefined), fetch)
    await expect(get(new Request(URL_A))).rejects.toThrow(TypeError)
  })

  it('keeps nothing of requests made with a token, nor of errors', async () => {
    const { fetch, seen } = scriptedFetch([
      json({ me: 1 }, 200, { ETag: '"m"' }),
      json({ me: 1 }, 200, { ETag: '"m"' }),
      json({ type: 'urn:lianxi:problem:not-found', title: '未找到', status: 404 }, 404, { ETag: '"x"' }),
      json({ ok: 1 }, 200, { ETag: '"y"' }),
    ])
    const get = conditionalFetch(createResponseStore(undefined), fetch)
    const withToken = () => new Request(URL_A, { headers: { Authorization: 'Token abc' } })
    await get(withToken())
    await get(withToken())
    expect(seen[1]!.headers['if-none-match']).toBeUndefined()
    await get(new Request(URL_A))
    await get(new Request(URL_A))
    expect(seen[3]!.headers['if-none-match']).toBeUndefined()
  })
})
