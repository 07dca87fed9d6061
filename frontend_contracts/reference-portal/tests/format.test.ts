import { describe, expect, it } from 'vitest'
import { formatDate, formatDay, formatDistance, formatSize, label, SITE_LEVELS } from '../src/format'
import { routeForApiUrl } from '../src/links'

describe('formats', () => {
  it('dates, weekdays, sizes and distances in Chinese', () => {
    expect(formatDate('2026-10-01')).toBe('2026年10月1日')
    expect(formatDate(null)).toBe('')
    expect(formatDay('2026-10-01')).toBe('10月1日 周四')
    expect(formatDay('2026-10-04')).toBe('10月4日 周日')
    expect(formatSize(32044)).toBe('31 KB')
    expect(formatSize(2_500_000)).toBe('2.4 MB')
    expect(formatDistance(0.35)).toBe('350 米')
    expect(formatDistance(3.39)).toBe('3.4 公里')
  })

  it('shows a code the labels do not know yet as it is', () => {
    expect(label(SITE_LEVELS, 'county')).toBe('县级')
    expect(label(SITE_LEVELS, 'village')).toBe('village')
  })
})

describe('API addresses inside the portal', () => {
  it('maps pages, deputies, stations and sites to screens, keeping the site', () => {
    expect(routeForApiUrl('/api/v1/pages/251/?site=340123', '340000')).toEqual({ name: 'page', params: { id: '251' }, query: { site: '340123' } })
    expect(routeForApiUrl('/api/v1/deputies/12/?site=340123100', '340123')).toEqual({ name: 'deputy', params: { id: '12' }, query: { site: '340123100' } })
    expect(routeForApiUrl('http://api.example/api/v1/deputies/stations/40/?site=340123', '')).toEqual({ name: 'station', params: { id: '40' }, query: { site: '340123' } })
    expect(routeForApiUrl('/api/v1/sites/340100/', '340123')).toEqual({ name: 'home', query: { site: '340100' } })
    expect(routeForApiUrl('/api/v1/unknown/1/', '340123')).toBeNull()
  })
})
