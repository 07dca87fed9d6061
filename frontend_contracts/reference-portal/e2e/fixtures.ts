// Shared by the specs: the demo site, the API as the tests' oracle (through
// the portal's server, so addresses match), screenshots for the README, and a
// guard that fails any test in which the page tried to reach another host.
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

/** 肥西县: a county with content of every type, township columns, deputies and stations. */
export const SITE = '340123'

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-results/screens'
mkdirSync(SHOTS, { recursive: true })

/** A phone-sized screenshot of the screen (scrolled to `at`, if given), after its images arrived. */
export async function shot(page: Page, name: string, at?: Locator): Promise<void> {
  if (at) await at.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().top - 72)) // below the top bar
  await page.waitForLoadState('networkidle')
  // Images in view, lazy ones included (they start loading once scrolled into view).
  await page.evaluate(async () => {
    const inView = Array.from(document.images).filter((img) => {
      const box = img.getBoundingClientRect()
      return box.bottom > 0 && box.top < innerHeight
    })
    await Promise.all(inView.map((img) => img.decode().catch(() => null)))
  })
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: join(SHOTS, `portal-${name}.jpg`), type: 'jpeg', quality: 80 })
}

export const test = base.extend<{ outsideRequests: string[] }>({
  outsideRequests: [
    async ({ context }, use) => {
      const outside: string[] = []
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url())
        if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue()
        outside.push(url.href)
        return route.abort('blockedbyclient')
      })
      await use(outside)
      expect(outside, 'the portal reached a host other than its own').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }

/** GET the API (as the portal's server forwards it) and return the JSON; with `token`, as that person. */
export async function apiGet<T = any>(page: Page, path: string, token?: string): Promise<T> {
  const response = await page.request.get(path, token ? { headers: { Authorization: `Bearer ${token}` } } : {})
  expect(response.status(), path).toBe(200)
  return (await response.json()) as T
}
