import { apiGet, expect, shot, SITE, test } from './fixtures'

test('home: theme colour, banners, navigation and the latest content of the site', async ({ page }) => {
  const site = await apiGet(page, `/api/v1/sites/${SITE}/`)
  const latest = await apiGet(page, `/api/v1/pages/?site=${SITE}&limit=10`)
  await page.goto(`/?site=${SITE}`)

  await expect(page.getByTestId('site-name')).toHaveText(site.name)
  await expect(page).toHaveTitle(site.name)
  const theme = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--theme').trim())
  expect(theme.toLowerCase()).toBe(site.portal.theme_color.toLowerCase())
  // The top bar is drawn in it.
  const bar = await page.locator('.topbar').evaluate((el) => getComputedStyle(el).backgroundColor)
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(site.portal.theme_color.slice(i, i + 2), 16))
  expect(bar).toBe(`rgb(${r}, ${g}, ${b})`)

  // Banners: each one's title and image (renditions with srcset), linking to its page.
  expect(site.portal.banners.length).toBeGreaterThan(0)
  const banners = page.getByTestId('banners').locator('.banner')
  await expect(banners).toHaveCount(site.portal.banners.length)
  for (const [i, banner] of site.portal.banners.entries()) {
    await expect(banners.nth(i)).toContainText(banner.title)
    const img = banners.nth(i).locator('img')
    await expect(img).toHaveAttribute('srcset', new RegExp(`${banner.image.renditions.thumbnail.width}w`))
    await expect(banners.nth(i)).toHaveAttribute('href', `/pages/${banner.page.id}?site=${SITE}`)
  }
  await expect(banners.first().locator('img')).toHaveJSProperty('complete', true)

  // Navigation from the micro-portal settings, in their order.
  const nav = page.getByTestId('navigation').locator('a')
  await expect(nav).toHaveText(site.portal.navigation.map((n: { title: string }) => n.title))

  // The latest content, newest first, as the API lists it.
  const items = page.getByTestId('home-latest').getByTestId('page-item')
  await expect(items).toHaveCount(latest.results.length)
  await expect(items.first()).toContainText(latest.results[0].title)
  await expect(page.getByTestId('contact')).toContainText(site.portal.contact.phone)
  await shot(page, 'home')

  // "加载更多" follows the API's next link.
  expect(latest.next).not.toBeNull()
  await page.getByTestId('home-latest').getByTestId('more').click()
  await expect(items).toHaveCount(Math.min(20, latest.count))

  // A navigation item opens its column.
  await nav.first().click()
  await expect(page.getByTestId('column')).toContainText(site.portal.navigation[0].title)
})

test('a banner opens its article', async ({ page }) => {
  const site = await apiGet(page, `/api/v1/sites/${SITE}/`)
  await page.goto(`/?site=${SITE}`)
  await page.getByTestId('banners').locator('.banner').first().click()
  await expect(page.getByTestId('content').locator('h1')).toHaveText(site.portal.banners[0].title)
})
