// Log in with a mobile number and an SMS code, see 我的 and 我的通知, mark a
// notification read, log out. The demo's SMS gateway prints each message to
// the server's console, which scripts/demo-api.sh writes to runserver.log:
// the test reads the code there. Notifications for the demo citizen are put
// in the inbox beforehand through the core's notification service.
import type { Page } from '@playwright/test'
import { expect, shot, SITE, test } from './fixtures'
import { codeFor, logSize, managePy } from './session'

const CITIZEN = '13700000001'

/** The login code the demo printed for the demo citizen after `from` bytes of its log. */
const codeSince = (from: number) => codeFor(CITIZEN, from)

/** Two new unread notifications in the demo citizen's inbox; returns their subjects. */
function seedNotifications(): string[] {
  const stamp = Date.now().toString(36)
  const subjects = [`测试通知 ${stamp} 甲`, `测试通知 ${stamp} 乙`]
  managePy(
    [
      'from cms.services import accounts, notifications',
      `a = accounts.citizen_account("${CITIZEN}")`,
      'user = getattr(a, "user", a)',
      ...subjects.map((s) => `notifications.notify([user], "${s}", "您反映的问题已转交承办单位办理。", channels=[])`),
    ].join('\n'),
  )
  return subjects
}

async function logIn(page: Page): Promise<void> {
  await page.goto(`/me?site=${SITE}`)
  await expect(page).toHaveURL(/\/login\?/) // 我的 needs a signed-in person
  await page.getByTestId('mobile').fill(CITIZEN)
  const from = logSize()
  await page.getByTestId('send-code').click()
  await expect(page.getByTestId('code-sent')).toBeVisible()
  await expect(page.getByTestId('send-code')).toBeDisabled() // resend countdown
  await page.getByTestId('code').fill(await codeSince(from))
  await page.getByTestId('log-in').click()
  await expect(page).toHaveURL(/\/me\?/)
}

test('log in: problems are shown in Chinese, beside the field, with a countdown after 429', async ({ page }) => {
  await page.goto(`/login?site=${SITE}`)
  await expect(page.getByTestId('nav-me')).toHaveClass(/active/)
  // A malformed number: the API's field error, beside the field.
  await page.getByTestId('mobile').fill('12345')
  await page.getByTestId('send-code').click()
  await expect(page.getByTestId('mobile-error')).toBeVisible()
  await expect(page.getByTestId('mobile-error')).toContainText(/[\u4e00-\u9fa5]/)
  // A code asked for a moment ago: 429 and a countdown from Retry-After.
  const first = await page.request.post('/api/v1/auth/sms-code/', { data: { mobile: CITIZEN } })
  if (first.status() === 429) await new Promise((r) => setTimeout(r, 1000 * Number(first.headers()['retry-after'] ?? 5) + 200))
  if (first.status() === 429) expect((await page.request.post('/api/v1/auth/sms-code/', { data: { mobile: CITIZEN } })).status()).toBe(202)
  await page.getByTestId('mobile').fill(CITIZEN)
  await page.getByTestId('send-code').click()
  await expect(page.getByTestId('login-error')).toContainText('秒后再试')
  await expect(page.getByTestId('send-code')).toContainText('秒后重发')
  await expect(page.getByTestId('send-code')).toBeDisabled()
  await shot(page, 'login-429')
  // Once the wait is over, a code can be asked for again; a wrong one is refused beside its field.
  await expect(page.getByTestId('send-code')).toBeEnabled({ timeout: 15_000 })
  await page.getByTestId('send-code').click()
  await expect(page.getByTestId('code-sent')).toBeVisible()
  await page.getByTestId('code').fill('000000')
  await page.getByTestId('log-in').click()
  await expect(page.getByTestId('code-error')).toContainText('验证码')
  await expect(page).toHaveURL(/\/login\?/)
})

test('log in by SMS code, see 我的 and 我的通知, mark one read, log out', async ({ page }) => {
  await new Promise((r) => setTimeout(r, 5_500)) // the previous test's code was just sent: wait out the resend limit
  const subjects = seedNotifications()
  await page.goto(`/login?site=${SITE}`)
  await expect(page.getByTestId('mobile')).toBeVisible()
  await shot(page, 'login')
  await logIn(page)

  // 我的: the demo citizen, the number masked.
  await expect(page.getByTestId('me-name')).toHaveText('市民甲')
  await expect(page.getByTestId('me-mobile')).toHaveText(/^137\*+0001$/)
  await expect(page.getByTestId('me-roles')).toContainText('群众')
  const me = await page.evaluate(async () => {
    const r = await fetch('/api/v1/me/', { headers: { Authorization: `Bearer ${localStorage.getItem('lianxi:token')}` } })
    return (await r.json()) as { unread_notifications: number }
  })
  expect(me.unread_notifications).toBeGreaterThanOrEqual(2)
  await expect(page.getByTestId('nav-unread')).toHaveText(String(me.unread_notifications))
  await shot(page, 'me')

  // 我的通知: unread only, newest first; mark the newest read.
  await page.getByTestId('to-notifications').click()
  await page.getByTestId('unread-only').click()
  await expect(page).toHaveURL(/unread=1/)
  const items = page.getByTestId('notification')
  await expect(items.first()).toContainText(subjects[1]!)
  await expect(items.nth(1)).toContainText(subjects[0]!)
  await shot(page, 'notifications')
  await items.first().getByTestId('mark-read').click()
  await expect(page.getByTestId('nav-unread')).toHaveText(String(me.unread_notifications - 1))
  await expect(items.first()).toContainText(subjects[0]!)
  // Reloaded: the token is kept, and the server agrees it was read.
  await page.reload()
  await expect(page.getByTestId('nav-unread')).toHaveText(String(me.unread_notifications - 1))
  await expect(page.getByTestId('notification').filter({ hasText: subjects[1]! })).toHaveCount(0)

  // All of them, read or not.
  await page.getByRole('tab', { name: '全部' }).click()
  await expect(page.getByTestId('notification').filter({ hasText: subjects[1]! })).toHaveAttribute('data-read', 'true')

  // 退出登录: the token stops working, the portal forgets it.
  const token = await page.evaluate(() => localStorage.getItem('lianxi:token'))
  await page.getByTestId('nav-me').click()
  await page.getByTestId('log-out').click()
  await expect(page).toHaveURL(/\/\?site=/)
  await expect(page.getByTestId('nav-unread')).toHaveCount(0)
  expect(await page.evaluate(() => localStorage.getItem('lianxi:token'))).toBeNull()
  const after = await page.request.get('/api/v1/me/', { headers: { Authorization: `Bearer ${token}` } })
  expect(after.status()).toBe(401)
  await page.getByTestId('nav-me').click()
  await expect(page).toHaveURL(/\/login\?/)
})

test('an expired access token is renewed with the refresh token', async ({ page }) => {
  await new Promise((r) => setTimeout(r, 5_500))
  await page.goto(`/login?site=${SITE}`)
  await logIn(page)
  await expect(page.getByTestId('me-name')).toHaveText('市民甲')
  // An access token the server no longer accepts; the refresh token still valid.
  await page.evaluate(() => localStorage.setItem('lianxi:token', 'expired-token'))
  const refreshed = page.waitForResponse((r) => r.url().includes('/api/v1/auth/refresh/') && r.status() === 200)
  await page.reload()
  await refreshed
  await expect(page.getByTestId('me-name')).toHaveText('市民甲')
  expect(await page.evaluate(() => localStorage.getItem('lianxi:token'))).not.toBe('expired-token')
  await page.getByTestId('log-out').click()
  await expect(page).toHaveURL(/\/\?site=/)
})
