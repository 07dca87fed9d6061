// 项目征集 (the consultations plugin's calls for topics, `kind=call`): the
// county's calls listed as the API lists them; a visitor logs in from the open
// call, the API's field errors appear beside the fields of an empty proposal,
// and a proposal sent is counted and listed among mine with its state.
import { apiGet, expect, shot, SITE, test } from './fixtures'
import { logInThroughForm, newCitizen, pageToken } from './session'

interface Problem {
  errors: { field: string; detail: string }[]
}
const detailOf = (problem: Problem, field: string) =>
  problem.errors.filter((e) => e.field === field).map((e) => e.detail).join(' ')

test('calls for topics: the list, log in, field errors, a proposal counted and listed as mine', async ({ page }) => {
  const list = await apiGet(page, `/api/v1/consultations/?site=${SITE}&kind=call`)
  const open = list.results.find((c: { status: string }) => c.status === 'open') as { id: number; title: string } | undefined
  expect(open, 'the demo has an open call for topics on the county’s site').toBeTruthy()

  await page.goto(`/?site=${SITE}`)
  await page.getByTestId('home-calls').click()
  await expect(page).toHaveURL(/\/calls\?/)
  await expect(page.getByTestId('call-item')).toHaveCount(list.results.length)
  await shot(page, 'calls')
  await page.getByTestId('call-item').filter({ hasText: open!.title }).click()

  const before = await apiGet(page, `/api/v1/consultations/${open!.id}/?site=${SITE}`)
  await expect(page.getByTestId('call').locator('h1')).toHaveText(before.title)
  await expect(page.getByTestId('call-status')).toHaveText('征求意见中')
  await expect(page.getByTestId('call-count')).toHaveText(`已收到项目建议 ${before.comment_count} 条`)

  // A visitor is asked to log in, and comes back to the same call with the form.
  await page.getByTestId('propose-login').click()
  await logInThroughForm(page, newCitizen())
  await expect(page).toHaveURL(new RegExp(`/calls/${open!.id}\\?site=${SITE}$`))
  const form = page.getByTestId('proposal-form')
  await expect(form).toBeVisible()
  const token = await pageToken(page)

  // Nothing written: the API's own words beside each field.
  const refused = await page.request.post(`/api/v1/consultations/proposals/?site=${SITE}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: { call: open!.id, proposer_type: 'citizen', title: '', reasons: '', content: '' },
  })
  expect(refused.status()).toBe(400)
  const problem = (await refused.json()) as Problem
  await page.getByTestId('proposal-send').click()
  await expect(page.getByTestId('proposal-title-error')).toHaveText(detailOf(problem, 'title'))
  await expect(page.getByTestId('proposal-reasons-error')).toHaveText(detailOf(problem, 'reasons'))
  await expect(page.getByTestId('proposal-title')).toHaveAttribute('aria-invalid', 'true')

  const stamp = Date.now().toString(36)
  const title = `城乡公交一体化推进情况 ${stamp}`
  await page.getByTestId('proposal-title').fill(title)
  await expect(page.getByTestId('proposal-title-error')).toHaveCount(0)
  await page.getByTestId('proposal-reasons').fill('部分乡镇公交班次少、末班车早,群众出行不便。')
  await page.getByTestId('proposal-content').fill('听取和审议县政府关于城乡公交一体化工作情况的报告,开展专题询问。')
  await shot(page, 'call', page.getByTestId('proposal-form'))
  await page.getByTestId('proposal-send').click()

  // Received, counted, and listed among mine for this call with its state.
  await expect(page.getByTestId('proposal-sent')).toContainText('已收到')
  const mine = await apiGet(page, `/api/v1/consultations/proposals/?site=${SITE}`, token)
  const sent = mine.results.find((p: { title: string }) => p.title === title)
  expect(sent).toMatchObject({ call: open!.id, proposer_type: 'citizen', status: 'approved' })
  const after = await apiGet(page, `/api/v1/consultations/${open!.id}/?site=${SITE}`)
  expect(after.comment_count).toBe(before.comment_count + 1)
  await expect(page.getByTestId('call-count')).toHaveText(`已收到项目建议 ${after.comment_count} 条`)
  const row = page.locator(`[data-testid="my-proposal"][data-id="${sent.id}"]`)
  await expect(row.getByTestId('my-proposal-title')).toHaveText(title)
  await expect(row.getByTestId('my-proposal-status')).toHaveText('已收到')
})
