/**
 * The site being shown: chosen by its division code in the address
 * (`?site=340123`), loaded once from `/api/v1/sites/<code>/`, and drawn in its
 * micro-portal settings (theme colour, banners, navigation, contacts).
 */
import { reactive } from 'vue'
import { api, load } from './api/client'
import { ApiError, asApiError } from './api/problem'
import type { SiteDetail } from './api/types'

/** The contract's pattern for `site`: six digits, nine for a township. */
export const SITE_CODE = /^[1-9]\d{5}(\d{3})?$/

export const DEFAULT_THEME = '#C8161D'

export const siteState = reactive({
  code: '',
  detail: null as SiteDetail | null,
  error: null as ApiError | null,
  loading: false,
  offline: null as Date | null,
})

let pending: Promise<void> | null = null

export function selectSite(code: string): Promise<void> {
  if (code === siteState.code && (siteState.detail || pending)) return pending ?? Promise.resolve()
  siteState.code = code
  siteState.error = null
  if (!SITE_CODE.test(code)) {
    siteState.detail = null
    siteState.error = new ApiError({
      status: 400,
      code: 'invalid-site',
      title: '站点代码有误',
      detail: `“${code}”不是行政区划代码:应为 6 位数字(乡镇为 9 位),如 340123。`,
    })
    return Promise.resolve()
  }
  siteState.loading = true
  const request = load(api.GET('/api/v1/sites/{code}/', { params: { path: { code } } }))
    .then(({ data, offline }) => {
      if (siteState.code !== code) return
      siteState.detail = data
      siteState.offline = offline
      applyTheme(data.portal.theme_color)
      document.title = `${data.name}`
    })
    .catch((error: unknown) => {
      if (siteState.code !== code) return
      siteState.detail = null
      siteState.error = asApiError(error)
    })
    .finally(() => {
      if (siteState.code === code) siteState.loading = false
      pending = null
    })
  pending = request
  return request
}

export function hasPlugin(label: string): boolean {
  return siteState.detail?.plugins.some((p) => p.label === label) ?? false
}

const HEX = /^#[0-9a-fA-F]{6}$/

export function applyTheme(color: string): void {
  const theme = HEX.test(color) ? color : DEFAULT_THEME
  document.documentElement.style.setProperty('--theme', theme)
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', theme)
}
