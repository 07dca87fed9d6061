import { describe, expect, it } from 'vitest'
import { createApi } from '../src/api/client'
import { ApiError } from '../src/api/problem'
import { createResponseStore } from '../src/api/store'
import { createTokenStore } from '../src/auth/token'
import type { Upload } from '../src/api/types'
import { attachmentFilename, attachmentKind, canAttachMore, MAX_ATTACHMENTS, uploadFile, withUpload } from '../src/uploads'
import { MemoryStorage } from './fakes'

function clientAnswering(answer: Response) {
  const sent: Request[] = []
  const tokens = createTokenStore(new MemoryStorage())
  tokens.set('tok')
  const { client } = createApi({
    baseUrl: 'http://portal.test',
    store: createResponseStore(undefined),
    fetch: async (request) => {
      sent.push(request)
      return answer
    },
    tokens,
  })
  return { client, sent }
}

const upload = (id: string): Upload => ({ id, name: `${id}.jpg`, content_type: 'image/jpeg', size: 10 })

describe('sending a file to the upload API', () => {
  it('posts the file itself as multipart, with the site and the token, and returns its id', async () => {
    const answer = { id: 'a1b2', name: '路灯.jpg', content_type: 'image/jpeg', size: 1234 }
    const { client, sent } = clientAnswering(
      new Response(JSON.stringify(answer), { status: 201, headers: { 'Content-Type': 'application/json' } }),
    )
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], '路灯.jpg', { type: 'image/jpeg' })
    expect(await uploadFile('340123', file, client)).toEqual(answer)
    const request = sent[0]!
    expect(request.method).toBe('POST')
    expect(request.url).toBe('http://portal.test/api/v1/uploads/?site=340123')
    expect(request.headers.get('Authorization')).toBe('Bearer tok')
    expect(request.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
    const form = await request.formData()
    const sentFile = form.get('file') as File
    expect(sentFile.name).toBe('路灯.jpg')
    expect(new Uint8Array(await sentFile.arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))
  })

  it('turns a refused file into an ApiError whose field error names `file`', async () => {
    const problem = {
      type: 'urn:lianxi:problem:invalid-upload',
      title: '附件不符合要求',
      status: 400,
      detail: '不支持的文件类型,只能上传 JPG、PNG、WEBP、GIF、PDF。',
      errors: [{ field: 'file', code: 'invalid', detail: '不支持的文件类型,只能上传 JPG、PNG、WEBP、GIF、PDF。' }],
    }
    const { client } = clientAnswering(
      new Response(JSON.stringify(problem), { status: 400, headers: { 'Content-Type': 'application/problem+json' } }),
    )
    const error = await uploadFile('340123', new File(['hello'], 'a.txt'), client).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.code).toBe('invalid-upload')
    expect(error.errors[0].field).toBe('file')
  })
})

describe('the attachments of a message', () => {
  it('keeps each upload once and at most the contract’s five', () => {
    let list: Upload[] = []
    for (const id of ['a', 'b', 'a', 'c', 'd', 'e', 'f']) list = withUpload(list, upload(id))
    expect(list.map((u) => u.id)).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(list).toHaveLength(MAX_ATTACHMENTS)
    expect(canAttachMore(list)).toBe(false)
    expect(canAttachMore(list.slice(1))).toBe(true)
  })

  it('tells images from PDFs and names read-back files by their type', () => {
    expect(attachmentKind('image/webp')).toBe('image')
    expect(attachmentKind('application/pdf')).toBe('pdf')
    expect(attachmentKind('application/octet-stream')).toBe('file')
    expect(attachmentFilename(2, 'application/pdf')).toBe('附件2.pdf')
    expect(attachmentFilename(1, 'image/jpeg')).toBe('附件1.jpg')
    expect(attachmentFilename(3, 'text/plain')).toBe('附件3')
  })
})
