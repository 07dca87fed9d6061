// Logging in during the browser tests, and preparing the test server's data.
//
// The demo's SMS gateway prints each message to the server's console, the
// number masked (137****0001), and scripts/demo-api.sh writes that console to
// runserver.log: the tests read the login codes there. Nothing in the API
// gives a code away. A few tests prepare data the API has no reason to offer
// (a notification, a deputy's registered mobile number, a date moved back) by
// running `manage.py shell` on the test server's own database.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { APIRequestContext, Page } from '@playwright/test'
import { expect } from './fixtures'

export const ROOT = resolve(process.cwd(), '../..')
export const STATE = process.env.LIANXI_E2E_STATE ?? join(ROOT, 'var/portal-e2e')
const LOG = join(STATE, 'runserver.log')

export const logSize = () => (existsSync(LOG) ? statSync(LOG).size : 0)

/** The login code the demo sent to `mobile` after `from` bytes of its log. */
export async function codeFor(mobile: string, from: number): Promise<string> {
  const masked = new RegExp(`\\[短信\\] ${mobile.slice(0, 3)}\\*+${mobile.slice(-4)} 模板 login_code: code=(\\d{6})`, 'g')
  for (let i = 0; i < 50; i++) {
    const text = readFileSync(LOG).subarray(from).toString('utf8')
    const codes = [...text.matchAll(masked)]
    if (codes.length) return codes[codes.length - 1]![1]!
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`no login code for ${mobile.slice(0, 3)}****${mobile.slice(-4)} in ${LOG}`)
}

/**
 * A mobile number no test has used: a new citizen (the first login opens the
 * account). Each run writes as someone new, so the API's per-person limits
 * (messages a day, the same text twice) never meet an earlier run's.
 */
export function newCitizen(): string {
  const digits = String(Date.now() % 10_000_000).padStart(7, '0')
  return `1371${digits}`
}

/** On the login screen: ask for a code, read it from the log, log in; wait until the screen changes. */
export async function logInThroughForm(page: Page, mobile: string): Promise<void> {
  await expect(page).toHaveURL(/\/login\?/)
  await page.getByTestId('mobile').fill(mobile)
  const from = logSize()
  await page.getByTestId('send-code').click()
  await expect(page.getByTestId('code-sent')).toBeVisible()
  await page.getByTestId('code').fill(await codeFor(mobile, from))
  await page.getByTestId('log-in').click()
  await expect(page).not.toHaveURL(/\/login\?/)
}

export interface Tokens {
  access_token: string
  refresh_token: string
}

/** Log in through the API: the pair of tokens (the access token is what a request needs). */
export async function logInByApi(request: APIRequestContext, mobile: string): Promise<Tokens> {
  const from = logSize()
  const sent = await request.post('/api/v1/auth/sms-code/', { data: { mobile } })
  expect(sent.status(), await sent.text()).toBe(202)
  const code = await codeFor(mobile, from)
  const login = await request.post('/api/v1/auth/sms-login/', {
    data: { mobile, code, device_id: `e2e-${Date.now().toString(36)}`, device_name: '浏览器测试' },
  })
  expect(login.status(), await login.text()).toBe(200)
  return (await login.json()) as Tokens
}

/** Hand tokens got through the API to the portal in the page, as its own login would keep them. */
export async function keepTokens(page: Page, site: string, tokens: Tokens): Promise<void> {
  await page.goto(`/?site=${site}`)
  await page.evaluate(({ access_token, refresh_token }) => {
    localStorage.setItem('lianxi:token', access_token)
    localStorage.setItem('lianxi:refresh', refresh_token)
  }, tokens)
}

/** The browser's own access token (after logging in in the page). */
export async function pageToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => localStorage.getItem('lianxi:token'))
  expect(token).toBeTruthy()
  return token!
}

/** Run Python in the test server's project against its database; its output. */
export function managePy(script: string): string {
  return execFileSync(join(ROOT, '.venv/bin/python'), ['manage.py', 'shell', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `sqlite:///${STATE}/db.sqlite3`, MEDIA_ROOT: join(STATE, 'media'), DEBUG: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/** `2027-03-01` → `2027年3月1日`, as the portal writes dates. */
export function chineseDate(value: string): string {
  const [y, m, d] = value.slice(0, 10).split('-')
  return `${y}年${Number(m)}月${Number(d)}日`
}
