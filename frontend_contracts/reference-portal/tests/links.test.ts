import { describe, expect, it } from 'vitest'
import { notificationRoute, routeForApiUrl } from '../src/links'

describe('where a notification leads', () => {
  it('opens my message, or the consultation, on the notification’s site', () => {
    expect(notificationRoute({ url: 'pages/liaison/message?id=118', site: '340123' })).toEqual({
      name: 'message', params: { id: '118' }, query: { site: '340123' },
    })
    expect(notificationRoute({ url: 'pages/consultation/report?id=2', site: '340000' })).toEqual({
      name: 'consultation', params: { id: '2' }, query: { site: '340000' },
    })
  })

  it('has no link for pages this portal does not have, or without a site', () => {
    expect(notificationRoute({ url: '/pages/suggestions/12', site: '340123' })).toBeNull()
    expect(notificationRoute({ url: '', site: '340123' })).toBeNull()
    expect(notificationRoute({ url: 'pages/liaison/message?id=1', site: null })).toBeNull()
  })
})

describe('API addresses', () => {
  it('open the portal’s screens', () => {
    expect(routeForApiUrl('http://x/api/v1/deputies/5/?site=340123', '340000')).toEqual({ name: 'deputy', params: { id: '5' }, query: { site: '340123' } })
  })
})
