// Performance budgets, measured: first meaningful content of the home screen
// under 1.5 s on the demo server, and all of the portal's JavaScript under
// 150 KB gzipped. Figures are printed for the README.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { expect, SITE, test } from './fixtures'

const FMC_BUDGET_MS = 1500
const JS_BUDGET_BYTES = 150 * 1024

test('home: first meaningful content within 1.5 s (cold browser)', async ({ page }) => {
  await page.goto(`/?site=${SITE}`)
  await expect(page.getByTestId('home-latest').getByTestId('page-item').first()).toBeVisible()
  const timing = await page.evaluate(async () => {
    const mark = () => performance.getEntriesByName('lianxi:home-content')[0]
    for (let i = 0; i < 50 && !mark(); i++) await new Promise((r) => setTimeout(r, 20))
    const paint = performance.getEntriesByName('first-contentful-paint')[0]
    return { content: mark()?.startTime ?? Infinity, fcp: paint?.startTime ?? null }
  })
  console.log(`home screen: first contentful paint ${timing.fcp?.toFixed(0)} ms, first meaningful content (latest list painted) ${timing.content.toFixed(0)} ms (budget ${FMC_BUDGET_MS} ms)`)
  expect(timing.content).toBeLessThan(FMC_BUDGET_MS)
})

test('all JavaScript of the portal: under 150 KB gzipped', async ({ page }) => {
  const assets = join(process.cwd(), 'dist', 'assets')
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'))
  expect(files.length).toBeGreaterThan(0)
  let raw = 0
  let gzipped = 0
  for (const file of files) {
    const bytes = readFileSync(join(assets, file))
    raw += bytes.length
    gzipped += gzipSync(bytes, { level: 9 }).length
  }
  // What every first visit loads before any screen's own code: index.html's
  // entry script and the modules it preloads (the screens come later, on demand).
  const html = readFileSync(join(process.cwd(), 'dist', 'index.html'), 'utf8')
  const urls = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="([^"]+\.js)"/g)].map((m) => m[1]!)
  expect(urls.length).toBeGreaterThan(0)
  let home = 0
  for (const url of urls) home += gzipSync(await (await page.request.get(url)).body(), { level: 9 }).length // as served
  console.log(`JavaScript: ${files.length} files, ${(raw / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped in all (budget 150 KB); the entry and its preloads (first visit, before any screen's own chunk): ${urls.length} files, ${(home / 1024).toFixed(1)} KB gzipped`)
  expect(gzipped).toBeLessThan(JS_BUDGET_BYTES)
})
