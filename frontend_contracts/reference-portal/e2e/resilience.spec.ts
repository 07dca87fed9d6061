import { apiGet, expect, shot, SITE, test } from './fixtures'

test('errors show the API problem details in Chinese', async ({ page }) => {
  // An unknown site: the API's 404 problem (站点不存在) and its detail.
  const problem = await (await page.request.get('/api/v1/sites/999999/')).json()
  await page.goto('/?site=999999')
  await expect(page.getByTestId('problem')).toContainText(problem.title)
  await expect(page.getByTestId('problem')).toContainText(problem.detail)
  await shot(page, 'error')

  // A page that does not exist (or is not public): the API's not-found problem.
  const missing = await (await page.request.get(`/api/v1/pages/99999999/?site=${SITE}`)).json()
  await page.goto(`/pages/99999999?site=${SITE}`)
  await expect(page.getByTestId('problem')).toContainText(missing.title)

  // A malformed code never reaches the API.
  await page.goto('/?site=abc')
  await expect(page.getByTestId('problem')).toContainText('站点代码有误')

  // No site at all: choose one.
  await page.goto('/')
  await expect(page).toHaveURL(/\/sites$/)
  await expect(page.getByTestId('site-tree')).toBeVisible()
})

test('a bad parameter shows the field errors the API returns', async ({ page }) => {
  // Stations "near" a point with a radius the API refuses (maximum 100 km).
  const response = await page.request.get(`/api/v1/deputies/stations/?site=${SITE}&near=31.7,117.1&radius=500`)
  expect(response.status()).toBe(400)
  const problem = await response.json()
  await page.goto(`/stations?site=${SITE}&near=31.7,117.1&radius=500`)
  await expect(page.getByTestId('problem')).toContainText(problem.title)
  await expect(page.getByTestId('problem')).toContainText(problem.errors[0].detail)
})

test('conditional requests: the second visit revalidates with If-None-Match and gets 304', async ({ page }) => {
  const seen: { url: string; status: number; ifNoneMatch: string | undefined }[] = []
  page.on('response', (response) => {
    if (!response.url().includes('/api/v1/')) return
    seen.push({ url: response.url(), status: response.status(), ifNoneMatch: response.request().headers()['if-none-match'] })
  })
  await page.goto(`/?site=${SITE}`)
  await expect(page.getByTestId('home-latest').getByTestId('page-item').first()).toBeVisible()
  const first = seen.splice(0)
  expect(first.every((r) => r.status === 200 && !r.ifNoneMatch)).toBe(true)

  await page.reload()
  await expect(page.getByTestId('home-latest').getByTestId('page-item').first()).toBeVisible()
  expect(seen.length).toBeGreaterThanOrEqual(2)
  for (const r of seen) {
    expect(r.ifNoneMatch, r.url).toMatch(/^(W\/)?"[^"]+"$/)
    expect(r.status, r.url).toBe(304)
  }
})

test('offline: screens seen before come from the kept copy, with a note; others say the network is down', async ({ page, context }) => {
  const columns = await apiGet(page, `/api/v1/columns/?site=${SITE}`)
  await page.goto(`/?site=${SITE}`)
  await page.getByRole('link', { name: '栏目', exact: true }).click()
  await expect(page.getByTestId('column-tree')).toContainText(columns.results[0].title)
  await page.getByRole('link', { name: '首页', exact: true }).click()
  await expect(page.getByTestId('home-latest')).toBeVisible()

  await context.setOffline(true)
  await page.getByRole('link', { name: '栏目', exact: true }).click()
  await expect(page.getByTestId('column-tree')).toContainText(columns.results[0].title)
  await expect(page.getByTestId('offline-note')).toContainText('网络不可用,显示的是')
  await expect(page.getByTestId('stale')).toContainText('离线内容')
  await shot(page, 'offline')

  // A screen never loaded: the network problem and a retry that works once back online.
  await page.getByRole('link', { name: '代表', exact: true }).click()
  await expect(page.getByTestId('problem')).toContainText('网络不可用')
  await context.setOffline(false)
  await page.getByTestId('problem').getByRole('button', { name: '重试' }).click()
  await expect(page.getByTestId('deputy-list')).toBeVisible()
})
