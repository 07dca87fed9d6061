import type { Page } from '@playwright/test'
import { apiGet, expect, shot, SITE, test } from './fixtures'

type Detail = Record<string, any>

/** The first page of a type whose detail passes `want`, from the API. */
async function findPage(page: Page, type: string, want: (detail: Detail) => boolean, site = SITE): Promise<Detail> {
  const list = await apiGet(page, `/api/v1/pages/?site=${site}&type=${type}&limit=100&fields=title`)
  for (const item of list.results) {
    const detail = await apiGet(page, `/api/v1/pages/${item.id}/?site=${site}`)
    if (want(detail)) return detail
  }
  throw new Error(`no ${type} page as wanted on ${site}`)
}

// Counties make no regulations (no legislative power): the city of Hefei does.
const CITY = '340100'

const hasBlock = (blocks: Detail[], type: string) => blocks.some((b) => b.type === type)

test('article: rich text, images from renditions with srcset, attachments', async ({ page }) => {
  const article = await findPage(page, 'article', (d) => d.attachments.length > 0 && hasBlock(d.body, 'image'))
  await page.goto(`/pages/${article.id}?site=${SITE}`)
  const content = page.getByTestId('content')
  await expect(content.locator('h1')).toHaveText(article.title)
  await expect(content).toHaveAttribute('data-page-type', 'article')
  const firstParagraph = article.body.find((b: Detail) => b.type === 'paragraph').value.replace(/<[^>]+>/g, '')
  await expect(content.locator('.richtext').first()).toHaveText(firstParagraph)

  const image = article.body.find((b: Detail) => b.type === 'image').value.image
  const img = content.getByTestId('block-image').first().locator('img')
  await expect(img).toHaveAttribute('src', image.renditions.medium.url)
  await expect(img).toHaveAttribute('srcset', `${image.renditions.thumbnail.url} ${image.renditions.thumbnail.width}w, ${image.renditions.medium.url} ${image.renditions.medium.width}w, ${image.renditions.large.url} ${image.renditions.large.width}w`)
  await expect(content.getByTestId('block-image').first().locator('source[type="image/webp"]')).toHaveAttribute('srcset', new RegExp(image.renditions.medium_webp.url.replace(/[.?]/g, '\\$&')))
  await img.scrollIntoViewIfNeeded()
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true)

  const attachments = content.getByTestId('attachments').getByTestId('attachment')
  await expect(attachments).toHaveCount(article.attachments.length)
  await expect(attachments.first()).toHaveAttribute('href', article.attachments[0].document.url)
  const download = await page.request.get(article.attachments[0].document.url)
  expect(download.status()).toBe(200)
  await shot(page, 'article')
})

test('regulation: document number, status, dates and its interpretations', async ({ page }) => {
  const regulation = await findPage(page, 'regulation', (d) => d.interpretations.length > 0, CITY)
  await page.goto(`/pages/${regulation.id}?site=${CITY}`)
  const facts = page.getByTestId('facts')
  await expect(facts).toContainText(regulation.document_number)
  await expect(facts).toContainText({ in_force: '现行有效', amended: '已修改', repealed: '已废止' }[regulation.status as string]!)
  const interpretation = regulation.interpretations[0].page
  await page.getByRole('link', { name: interpretation.title }).click()
  await expect(page.getByTestId('content').locator('h1')).toHaveText(interpretation.title)
  await page.goBack()
  await expect(page.getByTestId('content').locator('h1')).toHaveText(regulation.title)
  await shot(page, 'regulation')
})

test('report: type, reporting body and the chain of reports it belongs to', async ({ page }) => {
  const report = await findPage(page, 'report', (d) => d.report_type === 'handling_report' && d.responds_to)
  await page.goto(`/pages/${report.id}?site=${SITE}`)
  await expect(page.getByTestId('facts')).toContainText('审议意见研究处理情况的报告')
  await expect(page.getByTestId('facts')).toContainText('报告机关')
  await page.getByRole('link', { name: report.responds_to.title }).click()
  await expect(page.getByTestId('content').locator('h1')).toHaveText(report.responds_to.title)
  await page.goBack()
  await shot(page, 'report')
})

test('meeting: agenda, speeches, gallery, audio and video', async ({ page }) => {
  const meeting = await findPage(page, 'meeting', (d) => hasBlock(d.body, 'video') && hasBlock(d.body, 'audio') && d.agenda.length > 0)
  await page.goto(`/pages/${meeting.id}?site=${SITE}`)
  const content = page.getByTestId('content')
  await expect(content.getByTestId('agenda').locator('li')).toHaveCount(meeting.agenda.length)
  await expect(content.getByTestId('block-speech')).toHaveCount(meeting.body.filter((b: Detail) => b.type === 'speech').length)
  await expect(content.getByTestId('block-gallery').locator('img').first()).toHaveAttribute('srcset', /320w/)

  const video = meeting.body.find((b: Detail) => b.type === 'video').value
  const player = content.getByTestId('block-video').locator('video')
  await expect(player).toHaveAttribute('poster', video.poster.renditions.medium.url)
  await expect(player).toHaveAttribute('preload', 'none') // nothing is fetched before the reader presses play
  const audio = meeting.body.find((b: Detail) => b.type === 'audio').value
  const sources = content.getByTestId('block-audio').locator('audio source')
  await expect(sources.first()).toHaveAttribute('src', audio.file.url)
  // The audio file the API serves plays in the browser.
  await content.getByTestId('block-audio').locator('audio').evaluate(async (el: HTMLAudioElement) => {
    el.src = (el.querySelector('source') as HTMLSourceElement).src
    el.preload = 'auto'
    el.load()
    await new Promise<void>((resolve, reject) => {
      el.addEventListener('loadedmetadata', () => resolve(), { once: true })
      el.addEventListener('error', () => reject(new Error('audio failed')), { once: true })
    })
  })
  await expect.poll(() => content.getByTestId('block-audio').locator('audio').evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(0)
  await shot(page, 'meeting', content.getByTestId('block-gallery'))
})

test('a link inside rich text (data-api) opens the page inside the portal', async ({ page }) => {
  // The demo's texts have no links between pages, so one is added to an answer in the
  // contract's documented form: <a href="web address" data-api="api_url">.
  const list = await apiGet(page, `/api/v1/pages/?site=${SITE}&type=article&limit=2&fields=title,api_url,url`)
  const [from, to] = list.results
  await page.route(`**/api/v1/pages/${from.id}/?site=${SITE}`, async (route) => {
    const response = await route.fetch() // a fresh browser: no If-None-Match, so a full answer
    const body = await response.json()
    const paragraph = body.body.find((b: Detail) => b.type === 'paragraph')
    paragraph.value = paragraph.value.replace('</p>', `<a href="${to.url}" data-api="${to.api_url}">相关报道</a></p>`)
    await route.fulfill({ response, json: body })
  })
  await page.goto(`/pages/${from.id}?site=${SITE}`)
  await page.getByRole('link', { name: '相关报道' }).click()
  await expect(page).toHaveURL(new RegExp(`/pages/${to.id}\\?site=${SITE}$`))
  await expect(page.getByTestId('content').locator('h1')).toHaveText(to.title)
})
