// End-to-end tests of the portal in headless Chromium on a phone-sized screen,
// against the Anhui demo served by scripts/demo-api.sh and the built portal
// served by `vite preview` (which forwards /api/, /media/ and /documents/).
//
// Debian's chromium is used (CHROMIUM_PATH, default /usr/bin/chromium):
// Playwright's own browser downloads are not needed.
import { defineConfig } from '@playwright/test'

const apiPort = Number(process.env.LIANXI_E2E_API_PORT ?? 8130)
const portalPort = Number(process.env.LIANXI_E2E_PORTAL_PORT ?? 8131)
const reuse = !process.env.CI

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/results.json' }]],
  outputDir: 'test-results/artifacts',
  use: {
    baseURL: `http://127.0.0.1:${portalPort}`,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: 'bash scripts/demo-api.sh',
      url: `http://127.0.0.1:${apiPort}/api/v1/sites/`,
      env: { PORT: String(apiPort) },
      timeout: 15 * 60_000, // the first load of the demo data takes a few minutes
      reuseExistingServer: reuse,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `npx vite preview --port ${portalPort} --strictPort`,
      url: `http://127.0.0.1:${portalPort}/`,
      env: { LIANXI_API: `http://127.0.0.1:${apiPort}` },
      timeout: 60_000,
      reuseExistingServer: reuse,
    },
  ],
})
