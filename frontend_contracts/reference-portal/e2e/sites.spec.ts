import { apiGet, expect, shot, SITE, test } from './fixtures'

test('the site tree switches the whole portal to another site, in its own theme', async ({ page }) => {
  const feixi = await apiGet(page, `/api/v1/sites/${SITE}/`)
  const hefei = await apiGet(page, '/api/v1/sites/340100/')
  const tree = await apiGet(page, '/api/v1/sites/')
  await page.goto(`/?site=${SITE}`)
  await expect(page.getByTestId('site-name')).toHaveText(feixi.name)
  await page.getByRole('link', { name: '切换站点' }).click()

  const shown = page.getByTestId('site-tree')
  await expect(shown.locator('[data-code="340000"] > details > summary a')).toHaveText(tree.results[0].name)
  await expect(shown.locator('li[data-code]')).toHaveCount(tree.count)
  await expect(shown.locator('a.current')).toHaveText(feixi.name) // open down to the current site
  await shot(page, 'sites')

  await shown.getByRole('link', { name: hefei.name, exact: true }).click()
  await expect(page).toHaveURL(/\/\?site=340100$/)
  await expect(page.getByTestId('site-name')).toHaveText(hefei.name)
  const theme = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--theme').trim())
  expect(theme.toLowerCase()).toBe(hefei.portal.theme_color.toLowerCase())
  expect(hefei.portal.theme_color.toLowerCase()).not.toBe(feixi.portal.theme_color.toLowerCase())
  await expect(page.getByTestId('navigation').locator('a')).toHaveText(hefei.portal.navigation.map((n: { title: string }) => n.title))

  // Finding a site by name or code.
  await page.getByRole('link', { name: '切换站点' }).click()
  await page.getByTestId('site-filter').fill('上派')
  await page.getByTestId('site-matches').getByRole('link', { name: /上派镇人大/ }).click()
  await expect(page).toHaveURL(/site=340123100/)
  await expect(page.getByTestId('site-name')).toHaveText('上派镇人大')
  await expect(page.getByTestId('home-latest').getByTestId('page-item').first()).toBeVisible()
})
