// Attachments on a message (the core's upload API): a citizen adds a photo and
// a PDF on 给代表留言 — each sent to /api/v1/uploads/ as soon as it is chosen —
// sees the API's reasons beside the field for a file of the wrong type and for
// one too large, sends the message, and finds both attachments on it. The files
// are private: the portal reads them back with the token; without it the API
// answers 404.
import type { Page } from '@playwright/test'
import { apiGet, expect, shot, SITE, test } from './fixtures'
import { keepTokens, logInByApi, newCitizen } from './session'

/** A real picture (the API re-encodes images and refuses what only looks like one). */
async function picture(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 640
    canvas.height = 420
    const g = canvas.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 0, 420)
    sky.addColorStop(0, '#8ec5ff')
    sky.addColorStop(1, '#e6f2ff')
    g.fillStyle = sky
    g.fillRect(0, 0, 640, 420)
    g.fillStyle = '#6b6f76'
    g.fillRect(0, 280, 640, 140) // the road
    g.fillStyle = '#5b8def'
    g.beginPath()
    g.ellipse(320, 350, 190, 34, 0, 0, Math.PI * 2) // the puddle
    g.fill()
    return canvas.toDataURL('image/png')
  })
  return Buffer.from(dataUrl.split(',')[1]!, 'base64')
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')

/** Choose files in the field; the upload API's answer to them (the oracle for what the page says). */
async function choose(page: Page, files: { name: string; mimeType: string; buffer: Buffer }) {
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/uploads/') && r.request().method() === 'POST')
  await page.getByTestId('attach').setInputFiles(files)
  const response = await answered
  return { status: response.status(), body: await response.json() }
}

test('attach a photo and a PDF to a message: refusals beside the field, then shown on the message', async ({ page }) => {
  const tokens = await logInByApi(page.request, newCitizen())
  await keepTokens(page, SITE, tokens)
  await page.goto(`/write?site=${SITE}`)
  await page.getByTestId('to-office').check()

  // The wrong type: the API's own reason, beside the field.
  const text = await choose(page, { name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('这不是图片') })
  expect(text.status).toBe(400)
  expect(text.body.type).toBe('urn:lianxi:problem:invalid-upload')
  const typeReason = text.body.errors.find((e: { field: string }) => e.field === 'file').detail
  await expect(page.getByTestId('attach-error')).toHaveText(typeReason)
  await expect(page.getByTestId('attachment')).toHaveCount(0)

  // Too large (the API's cap, 10 MB by default): refused with its reason too.
  const big = await choose(page, { name: '很大的扫描件.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 0x25) })
  expect(big.status).toBe(400)
  const sizeReason = big.body.errors.find((e: { field: string }) => e.field === 'file').detail
  expect(sizeReason).not.toBe(typeReason)
  await expect(page.getByTestId('attach-error')).toHaveText(sizeReason)

  // A photo and a PDF: uploaded, listed with the names and sizes the API gives back.
  const photo = await choose(page, { name: '积水现场.png', mimeType: 'image/png', buffer: await picture(page) })
  expect(photo.status).toBe(201)
  await expect(page.getByTestId('attach-error')).toHaveCount(0) // the new choice clears the old refusal
  const pdf = await choose(page, { name: '情况说明.pdf', mimeType: 'application/pdf', buffer: PDF })
  expect(pdf.status).toBe(201)
  await expect(page.getByTestId('attachment')).toHaveCount(2)
  await expect(page.getByTestId('attachment-name')).toHaveText([photo.body.name, pdf.body.name])

  // Removing one takes it off the message (the upload stays private and unused).
  const extra = await choose(page, { name: '多余.png', mimeType: 'image/png', buffer: await picture(page) })
  await expect(page.getByTestId('attachment')).toHaveCount(3)
  await page.locator(`[data-testid="attachment"][data-id="${extra.body.id}"]`).getByTestId('detach').click()
  await expect(page.getByTestId('attachment')).toHaveCount(2)

  const stamp = Date.now().toString(36)
  await page.getByTestId('title').fill(`小区门口积水 ${stamp}`)
  await page.getByTestId('text').fill(`小区门口雨后积水严重,照片和情况说明见附件。(${stamp})`)
  await shot(page, 'write-attachments', page.getByTestId('attachments'))
  await page.getByTestId('send').click()

  // The message lists exactly the two uploads; the page shows both, read back with the token.
  await expect(page).toHaveURL(/\/me\/messages\/\d+\?/)
  const id = /\/me\/messages\/(\d+)\?/.exec(page.url())![1]
  const message = await apiGet(page, `/api/v1/liaison/messages/${id}/?site=${SITE}`, tokens.access_token)
  expect(message.attachments).toEqual([photo.body.id, pdf.body.id])
  const shown = page.getByTestId('message-attachment')
  await expect(shown).toHaveCount(2)
  await expect(shown.nth(0)).toHaveAttribute('data-id', photo.body.id)
  const image = shown.nth(0).getByTestId('attachment-image')
  await expect(image).toHaveAttribute('src', /^blob:/)
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(640)
  await expect(shown.nth(1).getByTestId('attachment-file')).toContainText('PDF')
  await expect(shown.nth(1).locator('a')).toHaveAttribute('download', '附件2.pdf')
  await shot(page, 'message-attachments', page.getByTestId('message-attachments'))

  // Private: the owner reads them, an anonymous caller is told they do not exist.
  const own = await page.request.get(`/api/v1/uploads/${photo.body.id}/`, { headers: { Authorization: `Bearer ${tokens.access_token}` } })
  expect(own.status()).toBe(200)
  expect(own.headers()['content-type']).toBe('image/png')
  expect((await page.request.get(`/api/v1/uploads/${photo.body.id}/`)).status()).toBe(404)
})
