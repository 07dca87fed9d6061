// 给代表留言 and 我的留言 (the liaison plugin): a new citizen logs in from a
// deputy's page, sees the API's field errors beside their fields, writes, and
// finds the message with its state, clock and history in 我的留言; writing to a
// station and to a township's deputies; and, once a deputy has answered
// through the deputies' own API, rating the answer and saying whether the
// problem was solved. What the pages show is checked against the API's answers.
import type { Page } from '@playwright/test'
import { apiGet, expect, shot, SITE, test } from './fixtures'
import { chineseDate, keepTokens, logInByApi, logInThroughForm, managePy, newCitizen, pageToken } from './session'

interface Problem {
  errors: { field: string; detail: string }[]
}
const detailOf = (problem: Problem, field: string) =>
  problem.errors.filter((e) => e.field === field).map((e) => e.detail).join(' ')

/** What the API itself says to `body` from this person (the oracle for the field errors). */
async function refusal(page: Page, token: string, body: object): Promise<Problem> {
  const response = await page.request.post(`/api/v1/liaison/messages/?site=${SITE}`, {
    headers: { Authorization: `Bearer ${token}` },
    data: body,
  })
  expect(response.status()).toBe(400)
  return (await response.json()) as Problem
}

async function myMessage(page: Page, token: string, id: string) {
  return apiGet(page, `/api/v1/liaison/messages/${id}/?site=${SITE}`, token)
}

/** A sitting deputy of the county's own congress (not a township's): the first of the register. */
async function countyDeputy(page: Page) {
  const list = await apiGet(page, `/api/v1/deputies/?site=${SITE}&level=county&limit=5`)
  expect(list.results.length).toBeGreaterThan(0)
  return list.results[0] as { id: number; name: string }
}

function messageIdOf(page: Page): string {
  const m = /\/me\/messages\/(\d+)\?/.exec(page.url())
  expect(m, page.url()).not.toBeNull()
  return m![1]!
}

test('write to my deputy: log in from the deputy’s page, field errors beside their fields, then 我的留言', async ({ page }) => {
  const deputy = await countyDeputy(page)
  await page.goto(`/deputies/${deputy.id}?site=${SITE}`)
  await page.getByTestId('write-to-deputy').click()
  await logInThroughForm(page, newCitizen()) // writing needs a signed-in citizen
  await expect(page).toHaveURL(/\/write\?/)
  await expect(page.getByTestId('chosen-deputy')).toContainText(deputy.name)
  await expect(page.getByTestId('nav-me')).toHaveClass(/active/)
  const token = await pageToken(page)

  // Nothing written: the API's own field errors, each beside its field.
  const empty = await refusal(page, token, { addressed_to: 'deputy', deputy: String(deputy.id), title: '', text: '', consent_publish: false })
  await page.getByTestId('send').click()
  await expect(page.getByTestId('title-error')).toHaveText(detailOf(empty, 'title'))
  await expect(page.getByTestId('text-error')).toHaveText(detailOf(empty, 'text'))
  await expect(page.getByTestId('title')).toHaveAttribute('aria-invalid', 'true')

  const stamp = Date.now().toString(36)
  await page.getByTestId('topic').selectOption('transport')
  await page.getByTestId('title').fill(`村口道路积水 ${stamp}`)
  await page.getByTestId('text').fill(`村口到镇上的道路低洼,雨天积水没过脚踝,希望加装排水管。(${stamp})`)
  await page.getByTestId('consent').check()
  await expect(page.getByTestId('title-error')).toHaveCount(0) // corrected: the message goes
  await shot(page, 'write')
  await page.getByTestId('send').click()

  // The message: delivered to the deputy, with the reply clock and the history.
  await expect(page).toHaveURL(/\/me\/messages\/\d+\?/)
  const id = messageIdOf(page)
  const message = await myMessage(page, token, id)
  expect(message.status).toBe('delivered')
  expect(message.deputies).toEqual([deputy.name])
  expect(message.consent_publish).toBe(true)
  await expect(page.getByTestId('sent')).toBeVisible()
  await expect(page.getByTestId('status')).toHaveText('已送达代表')
  await expect(page.getByTestId('addressee')).toHaveText(`代表 ${deputy.name}`)
  await expect(page.getByTestId('clock')).toContainText(chineseDate(message.clock.due_on))
  await expect(page.getByTestId('clock')).toContainText(chineseDate(message.clock.started_on))
  await expect(page.getByTestId('history-item')).toHaveCount(message.history.length)
  await expect(page.getByTestId('history-item').first()).toContainText('已送达代表') // newest first
  await expect(page.getByTestId('consent')).toBeChecked()
  await expect(page.getByTestId('withdraw')).toBeVisible() // before the answer
  await expect(page.getByTestId('rate')).toHaveCount(0)
  await shot(page, 'message')

  // 我的留言: the new message on top, with its state and due date.
  await page.getByTestId('nav-me').click()
  await page.getByTestId('to-messages').click()
  await expect(page).toHaveURL(/\/me\/messages\?/)
  const mine = await apiGet(page, `/api/v1/liaison/messages/?site=${SITE}`, token)
  await expect(page.getByTestId('message-count')).toHaveText(`共 ${mine.count} 条`)
  const first = page.getByTestId('message-item').first()
  await expect(first).toHaveAttribute('data-id', id)
  await expect(first.getByTestId('message-status')).toHaveText('已送达代表')
  await expect(first.getByTestId('message-clock')).toContainText(chineseDate(message.clock.due_on))

  // Filtered by state: none of mine is answered yet.
  await page.getByRole('tab', { name: '已答复' }).click()
  await expect(page).toHaveURL(/state=answered/)
  await expect(page.getByTestId('message-item')).toHaveCount(0)
  await page.getByRole('tab', { name: '全部' }).click()
  await page.getByTestId('message-item').first().click()
  await expect(page.getByTestId('message')).toBeVisible()
  await expect(page).toHaveURL(new RegExp(`/me/messages/${id}\\?`))
})

test('a demo citizen’s messages: their states, and a reply clock near its end', async ({ page }) => {
  // 王大妈 (demo data of the liaison plugin): solved and closed, reopened, delivered 88 days ago, withdrawn.
  await page.goto(`/me/messages?site=${SITE}`)
  await logInThroughForm(page, '13700010001')
  await expect(page).toHaveURL(/\/me\/messages\?/)
  const token = await pageToken(page)
  const mine = await apiGet(page, `/api/v1/liaison/messages/?site=${SITE}`, token)
  expect(mine.count).toBeGreaterThan(0)
  const items = page.getByTestId('message-item')
  await expect(items).toHaveCount(Math.min(mine.count, 20))
  const LABELS: Record<string, string> = {
    pending: '待审核', received: '已收到', screened: '待分办', delivered: '已送达代表', forwarded: '已转办',
    answered: '已答复', reopened: '重新办理', closed: '已办结', rejected: '不予受理', withdrawn: '已撤回',
  }
  await expect(items.getByTestId('message-status')).toHaveText(mine.results.slice(0, 20).map((m: { status: string }) => LABELS[m.status] ?? m.status))
  // The messages waiting for an answer show their due date and whether it is near; the others none.
  const CLOCKS: Record<string, string> = { on_time: '正常', due_soon: '临近到期', overdue: '已逾期', long_overdue: '严重逾期' }
  const waits = (m: { status: string; clock: unknown }) => !!m.clock && ['received', 'screened', 'delivered', 'forwarded', 'reopened'].includes(m.status)
  for (const m of mine.results.slice(0, 20)) {
    const clock = page.locator(`[data-testid="message-item"][data-id="${m.id}"]`).getByTestId('message-clock')
    if (waits(m)) await expect(clock).toHaveText(`答复期限 ${chineseDate(m.clock.due_on)} · ${CLOCKS[m.clock.state] ?? m.clock.state}`)
    else await expect(clock).toHaveCount(0)
  }
  expect(mine.results.some(waits), 'the demo citizen has a message waiting for its answer').toBe(true)
  await shot(page, 'messages')
})

test('write to a liaison station, and to the deputies of my township', async ({ page }) => {
  // A station of the site with deputies in it.
  const stations = await apiGet(page, `/api/v1/deputies/stations/?site=${SITE}`)
  let station: { id: number; name: string; deputies: { name: string }[] } | null = null
  for (const s of stations.results) {
    const detail = await apiGet(page, `/api/v1/deputies/stations/${s.id}/?site=${SITE}`)
    if (detail.deputies.length) {
      station = detail
      break
    }
  }
  expect(station, 'a station with deputies in the demo').not.toBeNull()
  await page.goto(`/stations/${station!.id}?site=${SITE}`)
  await page.getByTestId('write-to-station').click()
  await logInThroughForm(page, newCitizen())
  await expect(page.getByTestId('to-station')).toBeChecked()
  await expect(page.getByTestId('station-select')).toHaveValue(String(station!.id))
  const stamp = Date.now().toString(36)
  await page.getByTestId('title').fill(`联络站接待时间 ${stamp}`)
  await page.getByTestId('text').fill(`希望联络站周末也能安排代表接待。(${stamp})`)
  await page.getByTestId('send').click()
  await expect(page).toHaveURL(/\/me\/messages\/\d+\?/)
  const token = await pageToken(page)
  const toStation = await myMessage(page, token, messageIdOf(page))
  expect(toStation.station_name).toBe(station!.name)
  await expect(page.getByTestId('addressee')).toContainText(station!.name)
  for (const name of toStation.deputies) await expect(page.getByTestId('addressee')).toContainText(name)

  // To the deputies of a place: first without choosing one (the API's error beside the place), then a township.
  await page.goto(`/write?site=${SITE}`)
  await page.getByTestId('to-place').check({ force: true })
  await page.getByTestId('title').fill(`镇上菜市场改造 ${stamp}`)
  await page.getByTestId('text').fill(`菜市场年久失修,雨天漏水,希望纳入改造计划。(${stamp})`)
  const noPlace = await refusal(page, token, { addressed_to: 'place', place_code: '', title: 't', text: 'x', consent_publish: false })
  await page.getByTestId('send').click()
  await expect(page.getByTestId('addressee-error')).toHaveText(detailOf(noPlace, 'place_code'))
  const site = await apiGet(page, `/api/v1/sites/${SITE}/`)
  const township = site.children.find((c: { level: string }) => c.level === 'township')
  await page.getByTestId('place-select').selectOption(township.code)
  await page.getByTestId('send').click()
  await expect(page).toHaveURL(/\/me\/messages\/\d+\?/)
  const toPlace = await myMessage(page, token, messageIdOf(page))
  expect(toPlace.place_code).toBe(township.code)
  const expected = toPlace.deputies.length ? '已送达代表' : '待分办'
  await expect(page.getByTestId('status')).toHaveText(expected)
  for (const name of toPlace.deputies.slice(0, 3)) await expect(page.getByTestId('addressee')).toContainText(name)
})

test('an answer: rate it, then say whether the problem was solved', async ({ page }) => {
  // A citizen writes to a county deputy (through the API: the form is tested above)…
  const deputy = await countyDeputy(page)
  const citizen = await logInByApi(page.request, newCitizen())
  const token = citizen.access_token
  const stamp = Date.now().toString(36)
  const written = await page.request.post(`/api/v1/liaison/messages/?site=${SITE}`, {
    headers: { Authorization: `Bearer ${token}`, 'Idempotency-Key': `e2e-${stamp}-write` },
    data: { addressed_to: 'deputy', deputy: String(deputy.id), title: `路灯不亮 ${stamp}`, text: `主干道路灯坏了三个多月。(${stamp})`, consent_publish: false },
  })
  expect(written.status(), await written.text()).toBe(201)
  const id = String((await written.json()).id)

  // …and the deputy answers in the deputies' API, logged in with the number in the register.
  const mobile = /MOBILE (\d+)/.exec(managePy(`from cms.services import directory\nprint("MOBILE", directory.person("${deputy.id}").mobile)`))?.[1]
  expect(mobile, 'the demo deputy has a mobile number').toBeTruthy()
  const deputyToken = (await logInByApi(page.request, mobile!)).access_token
  const reply = await page.request.post(`/api/v1/liaison/inbox/${id}/reply/?site=${SITE}`, {
    headers: { Authorization: `Bearer ${deputyToken}`, 'Idempotency-Key': `e2e-${stamp}-reply` },
    data: { text: '已联系县住建局,本周内更换路灯。' },
  })
  expect(reply.status(), await reply.text()).toBe(200)

  // The citizen in the portal (signed in with those tokens): the notification leads to the answer.
  await keepTokens(page, SITE, citizen)
  await page.goto(`/me/notifications?site=${SITE}`)
  const note = page.getByTestId('notification').filter({ hasText: '您的留言已答复' }).first()
  await note.getByTestId('notification-link').click()
  await expect(page).toHaveURL(new RegExp(`/me/messages/${id}\\?`))
  await expect(page.getByTestId('status')).toHaveText('已答复')
  await expect(page.getByTestId('answer')).toContainText('已联系县住建局,本周内更换路灯。')
  await expect(page.getByTestId('answer')).toContainText(deputy.name)
  await expect(page.getByTestId('ask-solved')).toHaveCount(0) // asked only some days after the answer

  // Rating without choosing: the API's error beside the choice; then 满意 with a word.
  const own = await pageToken(page)
  const unrated = await page.request.post(`/api/v1/liaison/messages/${id}/rate/?site=${SITE}`, {
    headers: { Authorization: `Bearer ${own}` },
    data: { result: '' },
  })
  expect(unrated.status()).toBe(400)
  await page.getByTestId('rate-send').click()
  await expect(page.getByTestId('rate-result-error')).toHaveText(detailOf(await unrated.json(), 'result'))
  await page.getByTestId('rate-satisfied').check({ force: true })
  await page.getByTestId('rate-comment').fill('答复及时,谢谢代表。')
  await shot(page, 'message-answered')
  await page.getByTestId('rate-send').click()
  await expect(page.getByTestId('rating')).toHaveText('我的评价:满意,答复及时,谢谢代表。')
  await expect(page.getByTestId('rate')).toHaveCount(0) // once per answer
  const rated = await myMessage(page, own, id)
  expect([rated.rating, rated.rating_comment]).toEqual(['satisfied', '答复及时,谢谢代表。'])
  await expect(page.getByTestId('history-item')).toHaveCount(rated.history.length)

  // "问题解决了吗?" comes SOLVED_AFTER_DAYS (14) after the answer: move the answer's date back
  // 15 days in the test server's database (as the demo does for its closed messages).
  managePy(
    [
      'import datetime as dt',
      'from django.utils import timezone',
      'from plugins.liaison.models import Message',
      `Message.objects.filter(pk=${id}).update(answered_at=timezone.now() - dt.timedelta(days=15))`,
    ].join('\n'),
  )
  await page.reload()
  await expect(page.getByTestId('ask-solved')).toBeVisible()
  await page.getByTestId('solved-yes').click()
  await expect(page.getByTestId('status')).toHaveText('已办结')
  await expect(page.getByTestId('solved')).toHaveText('问题已解决')
  await expect(page.getByTestId('ask-solved')).toHaveCount(0)
  const closed = await myMessage(page, own, id)
  expect([closed.status, closed.solved]).toEqual(['closed', true])
  await expect(page.getByTestId('history-item').first()).toContainText(closed.history.at(-1).note)
})
