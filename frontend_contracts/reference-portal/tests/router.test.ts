import { describe, expect, it } from 'vitest'
import type { RouteLocationNormalized } from 'vue-router'
import { authRedirect, siteRedirect } from '../src/router'
import { createTokenStore } from '../src/auth/token'
import { MemoryStorage } from './fakes'

const at = (name: string, query: Record<string, string> = {}, meta: Record<string, boolean> = {}) =>
  ({ name, path: `/${name}`, fullPath: `/${name}`, query, params: {}, meta, hash: '', matched: [], redirectedFrom: undefined }) as unknown as RouteLocationNormalized

describe('the site in every address', () => {
  it('keeps the current site on a link that names none', () => {
    expect(siteRedirect(at('columns'), at('home', { site: '340123' }), undefined)).toMatchObject({ query: { site: '340123' } })
    expect(siteRedirect(at('columns', { site: '340100' }), at('home', { site: '340123' }), undefined)).toBeNull()
  })

  it('uses the build’s default site, or asks to choose one', () => {
    expect(siteRedirect(at('home'), at('home'), '340123')).toMatchObject({ query: { site: '340123' } })
    expect(siteRedirect(at('home'), at('home'), undefined)).toEqual({ name: 'sites' })
    expect(siteRedirect(at('sites', {}, { siteless: true }), at('home'), undefined)).toBeNull()
  })
})

describe('screens for signed-in people', () => {
  it('send a visitor without a token to log in, and let one with a token through', () => {
    const mine = at('messages', { site: '340123' }, { requiresAuth: true })
    expect(authRedirect(mine, null, true)).toEqual({ name: 'login', query: { site: '340123', next: '/messages' } })
    expect(authRedirect(mine, null, false)).toEqual({ name: 'home', query: { site: '340123' } })
    expect(authRedirect(mine, 'wagtail_abc', true)).toBeNull()
    expect(authRedirect(at('home', { site: '340123' }), null, true)).toBeNull()
  })

  it('keeps the token across reloads until signed out', () => {
    const storage = new MemoryStorage()
    createTokenStore(storage).set('wagtail_abc')
    const again = createTokenStore(storage)
    expect(again.token.value).toBe('wagtail_abc')
    again.set(null)
    expect(createTokenStore(storage).token.value).toBeNull()
  })
})
