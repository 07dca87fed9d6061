import { describe, expect, it } from 'vitest'
import { createApi, load } from '../src/api/client'
import { ApiError, asApiError, problemError } from '../src/api/problem'
import { createResponseStore } from '../src/api/store'
import { createTokenStore } from '../src/auth/token'
import { json, MemoryStorage, scriptedFetch } from './fakes'

const BASE = 'http://portal.test'

function client(answers: Parameters<typeof scriptedFetch>[0], token: string | null = null) {
  const { fetch, seen } = scriptedFetch(answers)
  const tokens = createTokenStore(new MemoryStorage())
  tokens.set(token)
  const api = createApi({ baseUrl: BASE, store: createResponseStore(undefined), fetch, tokens })
  return { ...api, seen }
}

describe('the typed client', () => {
  it('calls the contract paths with typed parameters and returns the data', async () => {
    const { client: api, seen } = client([json({ count: 0, results: [] })])
    const { data, offline } = await load(api.GET('/api/v1/columns/', { params: { query: { site: '340123' } } }))
    expect(data.results).toEqual([])
    expect(offline).toBeNull()
    expect(seen[0]!.url).toBe(`${BASE}/api/v1/columns/?site=340123`)
  })

  it('throws the problem details as an ApiError with the Chinese title and detail', async () => {
    const problem = {
      type: 'urn:lianxi:problem:invalid-parameters',
      title: '请求参数有误',
      status: 400,
      detail: '请按 errors 中的说明更正请求参数。',
      errors: [{ field: 'limit', code: 'max_value', detail: '请确保该值小于或者等于 100。' }],
    }
    const { client: api } = client([json(problem, 400)])
    const error = await load(api.GET('/api/v1/pages/', { params: { query: { site: '340123', limit: 500 } } })).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.code).toBe('invalid-parameters')
    expect(error.title).toBe('请求参数有误')
    expect(error.errors[0].detail).toBe('请确保该值小于或者等于 100。')
  })

  it('sends the access token of a signed-in person as a Bearer token', async () => {
    const { client: api, seen } = client([json({ username: 'x' })], 'wagtail_abc')
    await load(api.GET('/api/v1/me/'))
    expect(seen[0]!.headers.authorization).toBe('Bearer wagtail_abc')
  })

  it('follows a next address through the same caching fetch', async () => {
    const { getUrl, seen } = client([
      json({ results: [1], next: null }, 200, { ETag: '"n"' }),
      new Response(null, { status: 304 }),
    ])
    const next = `${BASE}/api/v1/pages/?limit=20&offset=20&site=340123`
    expect((await getUrl<{ results: number[] }>(next)).data.results).toEqual([1])
    expect((await getUrl<{ results: number[] }>(next)).data.results).toEqual([1])
    expect(seen[1]!.headers['if-none-match']).toBe('"n"')
  })

  it('says "网络不可用" when the network is down and nothing was kept', async () => {
    const { client: api } = client([new TypeError('Failed to fetch')])
    const error = await load(api.GET('/api/v1/sites/')).catch((e) => e)
    expect(error.isNetwork).toBe(true)
    expect(error.title).toBe('网络不可用')
  })
})

describe('problem details', () => {
  it('falls back to Chinese words when the answer is not a problem document', () => {
    const error = problemError(new Response('<html>', { status: 503, headers: { 'Retry-After': '30' } }), '<html>')
    expect(error.title).toBe('服务暂时不可用')
    expect(error.retryAfter).toBe(30)
    expect(error.code).toBe('http')
  })

  it('keeps a throttled answer’s Retry-After', () => {
    const body = { type: 'urn:lianxi:problem:throttled', title: '请求过于频繁', status: 429, detail: '请稍后再试。' }
    const error = problemError(new Response(null, { status: 429, headers: { 'Retry-After': '12' } }), body)
    expect([error.code, error.retryAfter]).toEqual(['throttled', 12])
  })

  it('turns anything thrown into an ApiError', () => {
    expect(asApiError(new TypeError('x')).code).toBe('network')
    expect(asApiError(new Error('boom')).title).toBe('页面出错了')
  })
})
