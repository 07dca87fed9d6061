// 意见采纳情况: the province's closed draft publishes its feedback report; the
// screen opened from the draft shows the API's summary, totals, each decision
// with its reason, and the clauses changed with the comments behind them. A
// draft without a published report answers the API's 404 problem. A closed call
// for topics publishes its result the same way: each proposal and its outcome.
import { apiGet, expect, shot, SITE, test } from './fixtures'

const PROVINCE = '340000'

test('the feedback report of a closed draft, as the API publishes it', async ({ page }) => {
  const closed = await apiGet(page, `/api/v1/consultations/?site=${PROVINCE}&kind=draft&status=closed`)
  const done = closed.results.find((c: { report_published: boolean }) => c.report_published) as { id: number; title: string }
  expect(done, 'the demo has a closed draft with its report published').toBeTruthy()
  const report = await apiGet(page, `/api/v1/consultations/${done.id}/report/?site=${PROVINCE}`)

  await page.goto(`/consultations?site=${PROVINCE}`)
  await page.getByTestId('consultation-item').filter({ hasText: done.title }).click()
  await page.getByTestId('to-report').click()
  await expect(page).toHaveURL(new RegExp(`/consultations/${done.id}/report\\?site=${PROVINCE}$`))

  await expect(page.getByTestId('report').locator('h1')).toHaveText(report.consultation.title)
  await expect(page.getByTestId('report-summary')).toHaveText(report.summary)
  const totals = page.getByTestId('report-totals')
  for (const key of ['total', 'adopted', 'partly', 'not_adopted'])
    await expect(totals.locator(`[data-key="${key}"] strong`)).toHaveText(String(report.totals[key]))

  const decisions = page.getByTestId('report-decision')
  await expect(decisions).toHaveCount(report.decisions.length)
  await expect(decisions.getByTestId('decision-result')).toHaveText(report.decisions.map((d: { result_label: string }) => d.result_label))
  await expect(decisions.getByTestId('decision-reason')).toHaveText(report.decisions.map((d: { reason: string }) => d.reason))

  const clauses = page.getByTestId('report-clause')
  await expect(clauses).toHaveCount(report.changed_clauses.length)
  await expect(clauses.getByTestId('clause-text')).toHaveText(report.changed_clauses.map((c: { text: string }) => c.text))
  const behind = report.changed_clauses.flatMap((c: { comments: { text: string }[] }) => c.comments.map((m) => m.text))
  await expect(clauses.getByTestId('clause-comment')).toHaveCount(behind.length)
  for (const [i, words] of behind.entries()) await expect(clauses.getByTestId('clause-comment').nth(i)).toContainText(words)
  await shot(page, 'feedback-report')
  await shot(page, 'feedback-report-clauses', clauses.first())
})

test('a draft still open has no report: the API’s 404 in its own words', async ({ page }) => {
  const list = await apiGet(page, `/api/v1/consultations/?site=${PROVINCE}&kind=draft&status=open`)
  const open = list.results[0] as { id: number }
  expect(open).toBeTruthy()
  const answer = await page.request.get(`/api/v1/consultations/${open.id}/report/?site=${PROVINCE}`)
  expect(answer.status()).toBe(404)
  const problem = await answer.json()
  await page.goto(`/consultations/${open.id}/report?site=${PROVINCE}`)
  await expect(page.getByTestId('problem')).toContainText(problem.title)
  await page.goto(`/consultations/${open.id}?site=${PROVINCE}`)
  await expect(page.getByTestId('consultation')).toBeVisible()
  await expect(page.getByTestId('to-report')).toHaveCount(0)
})

test('the published result of a closed call for topics: each proposal and its outcome', async ({ page }) => {
  const list = await apiGet(page, `/api/v1/consultations/?site=${SITE}&kind=call&status=closed`)
  const past = list.results.find((c: { report_published: boolean }) => c.report_published) as { id: number; title: string }
  expect(past, 'the demo has a closed call with its result published').toBeTruthy()
  const result = await apiGet(page, `/api/v1/consultations/${past.id}/report/?site=${SITE}`)

  await page.goto(`/calls?site=${SITE}`)
  await page.getByTestId('call-item').filter({ hasText: past.title }).click()
  await expect(page.getByTestId('call-status')).toHaveText('已结束')
  await expect(page.getByTestId('proposal-form')).toHaveCount(0)
  await page.getByTestId('to-report').click()
  await expect(page).toHaveURL(new RegExp(`/consultations/${past.id}/report\\?site=${SITE}$`))

  await expect(page.getByTestId('report-summary')).toHaveText(result.summary)
  for (const key of ['total', 'included', 'merged', 'not_included'])
    await expect(page.locator(`[data-testid="report-total"][data-key="${key}"] strong`)).toHaveText(String(result.totals[key]))
  const rows = page.getByTestId('report-proposal')
  await expect(rows).toHaveCount(result.proposals.length)
  await expect(rows.getByTestId('proposal-outcome')).toHaveText(result.proposals.map((p: { outcome_label: string }) => p.outcome_label))
  for (const [i, p] of (result.proposals as { title: string; outcome_reason: string }[]).entries()) {
    await expect(rows.nth(i)).toContainText(p.title)
    await expect(rows.nth(i)).toContainText(p.outcome_reason)
  }
  await shot(page, 'call-report')
})
