import { describe, expect, it } from 'vitest'
import { createApi, load } from '../src/api/client'
import { idempotencyKeys, splitErrors } from '../src/api/forms'
import { ApiError, networkError } from '../src/api/problem'
import { createResponseStore } from '../src/api/store'
import { createTokenStore } from '../src/auth/token'
import { json, MemoryStorage, scriptedFetch } from './fakes'

const BASE = 'http://portal.test'
const invalid = (errors: { field: string; code: string; detail: string }[]) =>
  new ApiError({ status: 400, code: 'invalid-parameters', title: '请求参数有误', detail: '请按 errors 中的说明更正请求参数。', errors })

describe('field errors of a refused form', () => {
  it('go beside the fields the form has, and only there', () => {
    const split = splitErrors(
      invalid([
        { field: 'title', code: 'blank', detail: '该字段不能为空。' },
        { field: 'text', code: 'blank', detail: '该字段不能为空。' },
        { field: 'text', code: 'max_length', detail: '请确保这个字段不能超过 3000 个字符。' },
      ]),
      ['title', 'text', 'deputy'],
    )
    expect(split.fields).toEqual({ title: '该字段不能为空。', text: '该字段不能为空。 请确保这个字段不能超过 3000 个字符。' })
    expect(split.overall).toBe('')
  })

  it('say the rest once for the whole form: unknown fields, or a problem without fields', () => {
    const unknown = splitErrors(invalid([{ field: 'attachments', code: 'invalid', detail: '附件不存在。' }]), ['title'])
    expect(unknown).toEqual({ fields: {}, overall: '附件不存在。' })
    const refused = new ApiError({ status: 409, code: 'message-state', title: '当前状态不允许此操作', detail: '您已评价过这次答复。' })
    expect(splitErrors(refused, ['result']).overall).toBe('当前状态不允许此操作:您已评价过这次答复。')
    expect(splitErrors(networkError(), []).overall).toBe('网络不可用:请检查网络连接后重试。')
    const throttled = new ApiError({ status: 429, code: 'throttled', title: '请求过于频繁', retryAfter: 30 })
    expect(splitErrors(throttled, []).overall).toBe('请求过于频繁(请 30 秒后再试)')
    expect(splitErrors(null, ['title'])).toEqual({ fields: {}, overall: '' })
  })
})

describe('Idempotency-Key', () => {
  it('stays the same while the same body is sent again, and changes with the body or after a success', () => {
    let n = 0
    const keys = idempotencyKeys(() => `key-${++n}`)
    const body = { title: '路灯不亮', text: '村口路灯坏了' }
    expect(keys.keyFor(body)).toBe('key-1')
    expect(keys.keyFor({ ...body })).toBe('key-1') // a retry
    expect(keys.keyFor({ ...body, text: '村口路灯坏了三个月' })).toBe('key-2') // edited: a new request
    keys.done()
    expect(keys.keyFor({ ...body, text: '村口路灯坏了三个月' })).toBe('key-3') // sent again later: a new message
  })

  it('makes keys the API accepts (8 to 100 characters)', () => {
    const keys = idempotencyKeys()
    const key = keys.keyFor({})
    expect(key.length).toBeGreaterThanOrEqual(8)
    expect(key.length).toBeLessThanOrEqual(100)
    keys.done()
    expect(keys.keyFor({})).not.toBe(key)
  })

  it('is sent as a header with the token, the field errors coming back as an ApiError', async () => {
    const { fetch, seen } = scriptedFetch([
      json(
        {
          type: 'urn:lianxi:problem:invalid-parameters',
          title: '请求参数有误',
          status: 400,
          errors: [{ field: 'deputy', code: 'invalid', detail: '请选择本级人大的在任代表。' }],
        },
        400,
      ),
    ])
    const tokens = createTokenStore(new MemoryStorage())
    tokens.setPair('access1', 'refresh1')
    const { client } = createApi({ baseUrl: BASE, store: createResponseStore(undefined), fetch, tokens })
    const error = await load(
      client.POST('/api/v1/liaison/messages/', {
        params: { query: { site: '340123' }, header: { 'Idempotency-Key': 'key-0001' } },
        body: { addressed_to: 'deputy', deputy: '', title: '路灯', text: '不亮', consent_publish: false },
      }),
    ).catch((e) => e)
    expect(seen[0]!.url).toBe(`${BASE}/api/v1/liaison/messages/?site=340123`)
    expect(seen[0]!.headers['idempotency-key']).toBe('key-0001')
    expect(seen[0]!.headers.authorization).toBe('Bearer access1')
    expect(splitErrors(error, ['deputy']).fields.deputy).toBe('请选择本级人大的在任代表。')
  })
})
