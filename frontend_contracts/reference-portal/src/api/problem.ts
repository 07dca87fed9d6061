/**
 * Errors as the user sees them: the API's problem details (RFC 9457,
 * `application/problem+json`) carry a stable `type` and a Chinese `title`
 * and `detail`; we show those, and fall back to our own Chinese words only
 * when there is no problem document (network down, a proxy's HTML page).
 */
import type { components } from './schema'

export type Problem = components['schemas']['Problem']
export type FieldError = components['schemas']['FieldError']

const PROBLEM_PREFIX = 'urn:lianxi:problem:'

const FALLBACK_TITLES: Record<number, string> = {
  400: '请求有误',
  401: '请先登录',
  403: '没有权限',
  404: '内容不存在或已撤回',
  429: '请求过于频繁',
  500: '服务器出错了',
  502: '服务暂时不可用',
  503: '服务暂时不可用',
  504: '服务器响应超时',
}

export class ApiError extends Error {
  readonly status: number
  /** The problem's code without `urn:lianxi:problem:` (e.g. `not-found`), or `network`. */
  readonly code: string
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[]
  readonly retryAfter: number

  constructor(init: {
    status: number
    code: string
    title: string
    detail?: string
    errors?: FieldError[]
    retryAfter?: number
  }) {
    super(init.detail ? `${init.title}:${init.detail}` : init.title)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.title = init.title
    this.detail = init.detail ?? ''
    this.errors = init.errors ?? []
    this.retryAfter = init.retryAfter ?? 0
  }

  get isNetwork(): boolean {
    return this.status === 0
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false
  const b = body as Record<string, unknown>
  return typeof b.type === 'string' && typeof b.title === 'string' && typeof b.status === 'number'
}

/** The error for a non-2xx response and its (parsed, if it was JSON) body. */
export function problemError(response: Response, body: unknown): ApiError {
  const retryAfter = Number(response.headers.get('Retry-After') ?? 0) || 0
  if (isProblem(body)) {
    return new ApiError({
      status: response.status,
      code: body.type.startsWith(PROBLEM_PREFIX) ? body.type.slice(PROBLEM_PREFIX.length) : body.type,
      title: body.title,
      detail: body.detail ?? '',
      errors: body.errors ?? [],
      retryAfter,
    })
  }
  const status = response.status
  return new ApiError({
    status,
    code: 'http',
    title: FALLBACK_TITLES[status] ?? (status >= 500 ? '服务器出错了' : '请求失败'),
    detail: `请稍后重试(HTTP ${status})。`,
    retryAfter,
  })
}

export function networkError(): ApiError {
  return new ApiError({
    status: 0,
    code: 'network',
    title: '网络不可用',
    detail: '请检查网络连接后重试。',
  })
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof TypeError) return networkError() // fetch's way of saying "no network"
  return new ApiError({ status: 0, code: 'client', title: '页面出错了', detail: String(error) })
}
