import { apiGet, expect, shot, SITE, test } from './fixtures'

test('columns: the tree, a column listing with paging, and a township column', async ({ page }) => {
  const columns = await apiGet(page, `/api/v1/columns/?site=${SITE}`)
  await page.goto(`/columns?site=${SITE}`)
  const tree = page.getByTestId('column-tree')
  for (const column of columns.results) await expect(tree).toContainText(column.title)
  await shot(page, 'columns')

  // 人大要闻 (news): everything below it, newest first, 20 at a time.
  const news = columns.results.find((c: { slug: string }) => c.slug === 'news')
  const listed = await apiGet(page, `/api/v1/pages/?site=${SITE}&descendant_of=${news.id}&limit=20`)
  await tree.getByRole('link', { name: news.title, exact: true }).click()
  await expect(page).toHaveURL(new RegExp(`/pages/${news.id}\\?site=${SITE}`))
  const column = page.getByTestId('column')
  await expect(column.locator('h1')).toHaveText(news.title)
  await expect(column).toContainText(`共 ${listed.count} 条`)
  await expect(column.getByTestId('page-item')).toHaveCount(listed.results.length)
  await expect(column.getByTestId('page-item').first()).toContainText(listed.results[0].title)
  await shot(page, 'column')

  // A township column (乡镇人大) lists its township's pages.
  const townships = columns.results.find((c: { slug: string }) => c.slug === 'townships')
  const township = townships.children[0]
  await page.goto(`/columns?site=${SITE}`)
  await tree.getByRole('link', { name: township.title }).click()
  await expect(page.getByTestId('column').locator('h1')).toHaveText(township.title)
  await expect(page.getByTestId('column').getByTestId('page-item').first()).toBeVisible()
})
