import { apiGet, expect, shot, SITE, test } from './fixtures'

test('search: results with highlights, type facets, paging, and a deputy among the hits', async ({ page }) => {
  const word = '代表'
  const answer = await apiGet(page, `/api/v1/search/?site=${SITE}&q=${encodeURIComponent(word)}&page_size=20`)
  await page.goto(`/search?site=${SITE}`)
  await page.getByTestId('search-input').fill(word)
  await expect(page.getByTestId('suggestions').locator('em').first()).toHaveText(word) // suggestions while typing
  await page.getByTestId('search-input').press('Enter')
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(word)}`))
  await expect(page.getByTestId('search-count')).toHaveText(`找到 ${answer.count} 条结果`)
  const results = page.getByTestId('search-results').locator('li')
  await expect(results).toHaveCount(answer.results.length)
  // The words found are highlighted as the API marks them (<em>), not as escaped text.
  await expect(results.first().locator('.card-title em').first()).toHaveText(word)
  await expect(results.first().locator('.snippet em').first()).toHaveText(word)
  await expect(results.first()).not.toContainText('<em>')
  await shot(page, 'search')

  // Filter by type (facets): the deputies' seats, which open the deputy.
  const facet = answer.facets.type.find((f: { value: string }) => f.value === 'deputies.membership')
  await page.getByTestId('facets').getByRole('button', { name: `人大代表 ${facet.count}` }).click()
  await expect(page.getByTestId('search-count')).toHaveText(`找到 ${facet.count} 条结果`)
  const firstDeputy = results.first().locator('.card-title')
  const name = (await firstDeputy.textContent())!.trim()
  await results.first().click()
  await expect(page).toHaveURL(/\/deputies\/\d+\?site=/)
  await expect(page.getByTestId('deputy').locator('h1')).toHaveText(name)
  await page.goBack()

  // "加载更多" asks for the next page.
  await page.getByTestId('facets').getByRole('button', { name: '全部' }).click()
  await expect(results).toHaveCount(20)
  await page.getByTestId('more').click()
  await expect(results).toHaveCount(Math.min(40, answer.count))
})

test('search a city and the counties below it', async ({ page }) => {
  const word = '会议'
  const answer = await apiGet(page, `/api/v1/search/?site=340100&q=${encodeURIComponent(word)}&scope=descendants`)
  await page.goto(`/search?site=340100&q=${encodeURIComponent(word)}`)
  await page.getByRole('button', { name: '含下级站点' }).click()
  await expect(page.getByTestId('search-count')).toHaveText(`找到 ${answer.count} 条结果`)
  // A hit on a county's site opens in that site.
  const index = answer.results.findIndex((h: { site: { code: string } }) => h.site.code !== '340100')
  expect(index).toBeGreaterThanOrEqual(0)
  const hit = answer.results[index]
  await page.getByTestId('search-results').locator('li').nth(index).click()
  await expect(page).toHaveURL(new RegExp(`site=${hit.site.code}`))
  await expect(page.getByTestId('content').locator('h1')).toHaveText(hit.title)
})
