import { apiGet, expect, shot, SITE, test } from './fixtures'

// Surnames read "zhang" in the demo's register (and in the API's pinyin search).
const ZHANG = /^[张章仉彰]/

test('deputies: the list, pinyin search in full and by initials, filter by congress', async ({ page }) => {
  const all = await apiGet(page, `/api/v1/deputies/?site=${SITE}`)
  await page.goto(`/deputies?site=${SITE}`)
  await expect(page.getByTestId('deputy-count')).toHaveText(`共 ${all.count} 位代表`)
  const names = page.getByTestId('deputy-list').getByTestId('deputy-name')
  await expect(names).toHaveText(all.results.map((d: { name: string }) => d.name))
  await shot(page, 'deputies')

  // Full pinyin.
  const zhang = await apiGet(page, `/api/v1/deputies/?site=${SITE}&q=zhang`)
  expect(zhang.count).toBeGreaterThan(0)
  await page.getByTestId('deputy-search').fill('zhang')
  await expect(page).toHaveURL(/q=zhang/)
  await expect(page.getByTestId('deputy-count')).toHaveText(`共 ${zhang.count} 位代表`)
  for (const name of await names.allTextContents()) expect(name).toMatch(ZHANG)

  // Initials (首字母): the portal shows whom the API finds, e.g. 张鹏 for "zp".
  const zp = await apiGet(page, `/api/v1/deputies/?site=${SITE}&q=zp`)
  expect(zp.count).toBeGreaterThan(0)
  await page.getByTestId('deputy-search').fill('zp')
  await expect(page.getByTestId('deputy-count')).toHaveText(`共 ${zp.count} 位代表`)
  await expect(names).toHaveText(zp.results.map((d: { name: string }) => d.name))

  // By congress: one township's deputies.
  await page.getByTestId('deputy-search').fill('')
  const congresses = await apiGet(page, `/api/v1/deputies/congresses/?site=${SITE}`)
  const township = congresses.results.find((c: { level: string }) => c.level === 'township')
  const theirs = await apiGet(page, `/api/v1/deputies/?site=${SITE}&congress=${township.division_code}`)
  await page.getByTestId('congress-filter').selectOption(township.division_code)
  await expect(page.getByTestId('deputy-count')).toHaveText(`共 ${theirs.count} 位代表`)
  await expect(page.getByTestId('deputy-list').locator('li').first()).toContainText(township.name.replace('人民代表大会', '人大'))
})

test('a deputy: seats with their performance summary, posts and stations', async ({ page }) => {
  const list = await apiGet(page, `/api/v1/deputies/?site=${SITE}&limit=100`)
  // Someone with a liaison station and a post, if the demo has one; else the first.
  let chosen = list.results[0]
  for (const d of list.results) {
    const detail = await apiGet(page, `/api/v1/deputies/${d.id}/?site=${SITE}`)
    if (detail.stations.length && detail.posts.length) {
      chosen = d
      break
    }
  }
  const deputy = await apiGet(page, `/api/v1/deputies/${chosen.id}/?site=${SITE}`)
  await page.goto(`/deputies?site=${SITE}`)
  await page.getByTestId('deputy-search').fill(deputy.name)
  const found = await apiGet(page, `/api/v1/deputies/?site=${SITE}&q=${encodeURIComponent(deputy.name)}`)
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(deputy.name)}`))
  await expect(page.getByTestId('deputy-count')).toHaveText(`共 ${found.count} 位代表`)
  await page.getByTestId('deputy-list').getByRole('link', { name: new RegExp(deputy.name) }).first().click()
  const shown = page.getByTestId('deputy')
  await expect(shown.locator('h1')).toHaveText(deputy.name)
  const seats = shown.getByTestId('seat')
  await expect(seats).toHaveCount(deputy.memberships.length)
  const current = deputy.memberships.find((m: { is_current: boolean }) => m.is_current)
  const seat = seats.filter({ hasText: `${current.congress.name}${current.term.ordinal}代表` })
  const perf = current.performance
  await expect(seat.getByTestId('performance')).toContainText(`出席会议${perf.sessions_attended}/${perf.sessions_total}`)
  await expect(seat.getByTestId('performance')).toContainText(`建议${perf.counts.suggestion}`)
  await expect(seat.getByTestId('performance')).toContainText(`培训学时${perf.training_hours}`)
  for (const station of deputy.stations) await expect(shown).toContainText(station.name)
  await shot(page, 'deputy')
})
