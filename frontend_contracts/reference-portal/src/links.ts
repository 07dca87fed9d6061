/**
 * Where an API address leads in this portal.
 *
 * The API hands out its own addresses (`api_url` on every page, `data-api` on
 * links inside rich text, a search hit's `url` for plugin records); a client
 * never builds them. This maps them onto the portal's screens.
 */
import type { RouteLocationRaw } from 'vue-router'
import type { PageType } from './api/types'

const ROUTES: [RegExp, (id: string) => RouteLocationRaw][] = [
  [/\/api\/v1\/pages\/(\d+)\/$/, (id) => ({ name: 'page', params: { id } })],
  [/\/api\/v1\/deputies\/stations\/(\d+)\/$/, (id) => ({ name: 'station', params: { id } })],
  [/\/api\/v1\/deputies\/(\d+)\/$/, (id) => ({ name: 'deputy', params: { id } })],
  [/\/api\/v1\/sites\/(\d+)\/$/, () => ({ name: 'home' })],
]

export function routeForApiUrl(apiUrl: string, currentSite: string): RouteLocationRaw | null {
  let url: URL
  try {
    url = new URL(apiUrl, 'http://api.invalid')
  } catch {
    return null
  }
  const site =
    url.searchParams.get('site') ?? /\/api\/v1\/sites\/(\d+)\/$/.exec(url.pathname)?.[1] ?? currentSite
  for (const [pattern, to] of ROUTES) {
    const m = pattern.exec(url.pathname)
    if (m?.[1]) {
      const route = to(m[1]) as { name: string; params?: Record<string, string> }
      return { ...route, query: { site } }
    }
  }
  return null
}

/** A page in a list or a link: columns open as listings, the home page as home. */
export function pageRoute(page: { id: number; type: PageType }, site: string): RouteLocationRaw {
  if (page.type === 'home') return { name: 'home', query: { site } }
  return { name: 'page', params: { id: String(page.id) }, query: { site } }
}

/**
 * Where a notification leads. Its `url` is the page the platform meant it to
 * open — a mini-program path such as `pages/liaison/message?id=12` (the
 * contract types it as a plain string) — and `site` the site it is about. The
 * ones this portal has screens for open them; the others have no link.
 */
const NOTIFICATION_PAGES: [RegExp, string][] = [
  [/(^|\/)pages\/liaison\/message\?(.*&)?id=(\d+)/, 'message'],
  [/(^|\/)pages\/consultation\/\w+\?(.*&)?id=(\d+)/, 'consultation'],
]

export function notificationRoute(n: { url: string; site: string | null }): RouteLocationRaw | null {
  if (!n.site || !n.url) return null
  for (const [pattern, name] of NOTIFICATION_PAGES) {
    const m = pattern.exec(n.url)
    if (m?.[3]) return { name, params: { id: m[3] }, query: { site: n.site } }
  }
  return null
}
