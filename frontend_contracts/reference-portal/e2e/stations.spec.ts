import { apiGet, expect, shot, SITE, test } from './fixtures'

// 肥西县's seat (the 肥西县人大代表之家 is here).
const HERE = { latitude: 31.707335, longitude: 117.136239 }

test.describe('liaison stations near me', () => {
  test.use({ geolocation: HERE, permissions: ['geolocation'] })

  test('by the browser location: nearest first, with distances', async ({ page }) => {
    const near = await apiGet(page, `/api/v1/deputies/stations/?site=${SITE}&near=${HERE.latitude.toFixed(6)},${HERE.longitude.toFixed(6)}&radius=10`)
    await page.goto(`/stations?site=${SITE}`)
    await page.getByTestId('locate').click()
    await expect(page).toHaveURL(/near=31\.707335%2C117\.136239|near=31\.707335,117\.136239/)
    await expect(page.getByTestId('station-count')).toContainText(`我的位置 周边 10 公里内 ${near.count} 个联络站`)
    const names = page.getByTestId('station-list').locator('.card-title')
    await expect(names).toHaveCount(near.count)
    await expect(names.first()).toContainText(near.results[0].name)
    const distances = await page.getByTestId('distance').allTextContents()
    const km = distances.map((d) => (d.includes('公里') ? parseFloat(d) : parseFloat(d) / 1000))
    expect(km).toEqual([...km].sort((a, b) => a - b))
    await shot(page, 'stations-near')

    // A wider radius finds more.
    const wide = await apiGet(page, `/api/v1/deputies/stations/?site=${SITE}&near=${HERE.latitude.toFixed(6)},${HERE.longitude.toFixed(6)}&radius=50`)
    await page.getByTestId('radius').selectOption('50')
    await expect(names).toHaveCount(wide.count)
  })
})

test('by a typed place name or coordinates, and a place that is not found', async ({ page }) => {
  const all = await apiGet(page, `/api/v1/deputies/stations/?site=${SITE}`)
  const huagang = all.results.find((s: { name: string }) => s.name.startsWith('花岗镇'))
  await page.goto(`/stations?site=${SITE}`)
  await expect(page.getByTestId('station-count')).toHaveText(`共 ${all.count} 个联络站`)

  await page.getByTestId('place-input').fill('花岗镇')
  await page.getByTestId('place-input').press('Enter')
  await expect(page.getByTestId('station-count')).toContainText('花岗镇 周边 10 公里内')
  await expect(page.getByTestId('station-list').locator('.card-title').first()).toContainText(huagang.name)
  await expect(page.getByTestId('distance').first()).toHaveText('0 米')

  await page.getByTestId('place-input').fill('31.82,117.27')
  await page.getByTestId('place-input').press('Enter')
  await expect(page.getByTestId('station-list').locator('.card-title').first()).toContainText('上派镇')

  await page.getByTestId('place-input').fill('火星基地')
  await page.getByTestId('place-input').press('Enter')
  await expect(page.getByTestId('place-message')).toContainText('没有找到“火星基地”')
})

test('without permission to locate, the portal says so in Chinese', async ({ page, context }) => {
  await context.clearPermissions()
  await page.goto(`/stations?site=${SITE}`)
  await page.getByTestId('locate').click()
  await expect(page.getByTestId('place-message')).toContainText('未获得定位权限')
})

test('a station: address, hours, its deputies and the reception days of the next four weeks', async ({ page }) => {
  const all = await apiGet(page, `/api/v1/deputies/stations/?site=${SITE}`)
  let station = null
  for (const s of all.results) {
    const detail = await apiGet(page, `/api/v1/deputies/stations/${s.id}/?site=${SITE}`)
    if (detail.schedule.receptions.length && detail.deputies.length) {
      station = detail
      break
    }
  }
  expect(station, 'a station with scheduled receptions').not.toBeNull()
  await page.goto(`/stations?site=${SITE}`)
  await page.getByTestId('station-list').getByRole('link', { name: new RegExp(station.name) }).click()
  const shown = page.getByTestId('station')
  await expect(shown.locator('h1')).toHaveText(station.name)
  await expect(shown).toContainText(station.address)
  await expect(shown.getByTestId('receptions').locator('li')).toHaveCount(station.schedule.receptions.length)
  const first = station.schedule.receptions[0]
  await expect(shown.getByTestId('receptions').locator('li').first()).toContainText(`${first.start_time}–${first.end_time}`)
  await expect(shown.getByTestId('regular-dates').locator('li')).toHaveCount(station.schedule.regular_dates.length)
  for (const d of station.deputies.slice(0, 3)) await expect(shown).toContainText(d.name)
  await shot(page, 'station')
})
