/**
 * The portal's screens. Every address carries the site (`?site=340123`), so a
 * shared link opens the same site; a link without it keeps the current one.
 *
 * The screens of a signed-in person (我的, 我的通知, 给代表留言, 我的留言,
 * 我的意见) have `meta: { requiresAuth: true }`: `authRedirect` sends a
 * visitor without a token to the `login` route, which comes back afterwards
 * (`next`). A draft open for comment is public; its comment form asks to log
 * in the same way.
 */
import {
  createRouter,
  createWebHistory,
  type RouteLocationNormalized,
  type RouteLocationRaw,
  type RouteRecordRaw,
} from 'vue-router'
import { reactive } from 'vue'
import { asApiError, type ApiError } from './api/problem'
import { resetStale } from './connectivity'
import { selectSite } from './site'
import HomeView from './views/HomeView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Screens that need a signed-in person (the interactive ones). */
    requiresAuth?: boolean
    /** Screens that work without a site (choosing one). */
    siteless?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView },
  { path: '/columns', name: 'columns', component: () => import('./views/ColumnsView.vue') },
  { path: '/pages/:id(\\d+)', name: 'page', component: () => import('./views/PageView.vue') },
  { path: '/search', name: 'search', component: () => import('./views/SearchView.vue') },
  {
    path: '/sites',
    name: 'sites',
    component: () => import('./views/SitesView.vue'),
    meta: { siteless: true },
  },
  { path: '/deputies', name: 'deputies', component: () => import('./views/DeputiesView.vue') },
  { path: '/deputies/:id(\\d+)', name: 'deputy', component: () => import('./views/DeputyView.vue') },
  { path: '/stations', name: 'stations', component: () => import('./views/StationsView.vue') },
  { path: '/stations/:id(\\d+)', name: 'station', component: () => import('./views/StationView.vue') },
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue') },
  { path: '/me', name: 'me', component: () => import('./views/MeView.vue'), meta: { requiresAuth: true } },
  {
    path: '/me/notifications',
    name: 'notifications',
    component: () => import('./views/NotificationsView.vue'),
    meta: { requiresAuth: true },
  },
  // 联系群众 (the liaison plugin): write to a deputy, my messages.
  { path: '/write', name: 'write', component: () => import('./views/WriteView.vue'), meta: { requiresAuth: true } },
  {
    path: '/me/messages',
    name: 'messages',
    component: () => import('./views/MessagesView.vue'),
    meta: { requiresAuth: true },
  },
  {
    path: '/me/messages/:id(\\d+)',
    name: 'message',
    component: () => import('./views/MessageView.vue'),
    meta: { requiresAuth: true },
  },
  // 立法征询 (the consultations plugin): drafts open for comment, my comments.
  { path: '/consultations', name: 'consultations', component: () => import('./views/ConsultationsView.vue') },
  {
    path: '/consultations/:id(\\d+)',
    name: 'consultation',
    component: () => import('./views/ConsultationView.vue'),
  },
  {
    path: '/consultations/:id(\\d+)/report',
    name: 'report',
    component: () => import('./views/ReportView.vue'),
  },
  // 项目征集: calls for legislative and supervision topics, and a proposal to one.
  { path: '/calls', name: 'calls', component: () => import('./views/CallsView.vue') },
  { path: '/calls/:id(\\d+)', name: 'call', component: () => import('./views/CallView.vue') },
  {
    path: '/me/comments',
    name: 'my-comments',
    component: () => import('./views/MyCommentsView.vue'),
    meta: { requiresAuth: true },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { siteless: true },
  },
]

function siteOf(route: RouteLocationNormalized): string | null {
  const value = route.query.site
  return typeof value === 'string' && value ? value : null
}

/** Keep the site in the address: from the previous screen, or the build's default. */
export function siteRedirect(
  to: RouteLocationNormalized,
  from: RouteLocationNormalized,
  defaultSite: string | undefined,
): RouteLocationRaw | null {
  if (siteOf(to)) return null
  const site = siteOf(from) ?? defaultSite
  if (site) return { ...to, query: { ...to.query, site } }
  if (to.meta.siteless) return null
  return { name: 'sites' }
}

/** Screens for signed-in people send the others to log in first. */
export function authRedirect(
  to: RouteLocationNormalized,
  token: string | null,
  hasLogin: boolean,
): RouteLocationRaw | null {
  if (!to.meta.requiresAuth || token) return null
  return hasLogin
    ? { name: 'login', query: { site: to.query.site, next: to.fullPath } }
    : { name: 'home', query: { site: to.query.site } }
}

/** A screen whose code could not be loaded (offline before it was ever opened). */
export const navigation = reactive({ failed: null as { error: ApiError; path: string } | null })

/** Fetch every screen's code once the first screen is up, so that they open offline too. */
export function prefetchScreens(): void {
  for (const route of routes) {
    const component = route.component
    if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => null)
  }
}

export function createPortalRouter(token: () => string | null) {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach((to, from) => {
    const redirect =
      siteRedirect(to, from, import.meta.env.VITE_DEFAULT_SITE) ??
      authRedirect(to, token(), router.hasRoute('login'))
    if (redirect) return redirect
    const site = siteOf(to)
    if (site) void selectSite(site) // the screen loads its own data meanwhile
    return true
  })
  router.afterEach(() => {
    resetStale()
    navigation.failed = null
  })
  router.onError((error, to) => {
    navigation.failed = { error: asApiError(error), path: to.fullPath }
  })
  return router
}
