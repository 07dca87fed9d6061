/**
 * Attachments (the core's upload API, `/api/v1/uploads/?site=`): a file is
 * sent on its own first (multipart, field `file`) and answered with its id,
 * name, type and size; the message then lists the ids in `attachments`.
 * The API decides what it takes (JPEG, PNG, WebP, GIF or PDF, checked by
 * content; at most 10 MB by default) and says why it refused a file in a
 * problem whose `errors[].field` is `file` — the form shows those words beside
 * the file field. An uploaded file stays private: reading it back
 * (`GET /api/v1/uploads/{id}/`) needs the same login, so the portal fetches it
 * with the token and shows it from a `blob:` address.
 */
import { api, load, type ApiClient } from './api/client'
import type { Upload } from './api/types'

/** The contract's `maxItems` of a message's `attachments`. */
export const MAX_ATTACHMENTS = 5

/** What the file picker offers (the API checks again, by the file's content). */
export const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,application/pdf,.pdf'

/** Send one file; its `Upload` (the id goes into the message's `attachments`). */
export async function uploadFile(site: string, file: File, client: ApiClient = api): Promise<Upload> {
  const form = new FormData()
  form.append('file', file, file.name)
  const { data } = await load(
    client.POST('/api/v1/uploads/', {
      params: { query: { site } },
      // The contract types the multipart field as a string; the browser sends the file.
      body: { file: file.name },
      bodySerializer: () => form,
    }),
  )
  return data
}

export type AttachmentKind = 'image' | 'pdf' | 'file'

export function attachmentKind(contentType: string): AttachmentKind {
  if (contentType.startsWith('image/')) return 'image'
  if (contentType === 'application/pdf') return 'pdf'
  return 'file'
}

/** Whether one more file may be added to `list`. */
export function canAttachMore(list: readonly unknown[]): boolean {
  return list.length < MAX_ATTACHMENTS
}

/** Add an upload to the list once (the same id twice would be one attachment). */
export function withUpload(list: readonly Upload[], upload: Upload): Upload[] {
  return list.some((u) => u.id === upload.id) ? [...list] : [...list, upload].slice(0, MAX_ATTACHMENTS)
}

/** A read-back attachment, ready to show. */
export interface FetchedAttachment {
  id: string
  kind: AttachmentKind
  url: string
  size: number
  /** What to call the file when saved: 附件1.pdf … */
  filename: string
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'image/gif': '.gif',
  'application/pdf': '.pdf',
}

/** Name for the `n`-th (from 1) attachment of a message: the API gives ids, not names. */
export function attachmentFilename(n: number, contentType: string): string {
  return `附件${n}${EXTENSIONS[contentType] ?? ''}`
}

/**
 * Fetch my attachment `id` with my token; a `blob:` address for it (revoke it
 * when the screen closes). A file I may not read answers 404, like a missing one.
 */
export async function fetchAttachment(id: string, n: number): Promise<FetchedAttachment> {
  const { data } = await load(api.GET('/api/v1/uploads/{token}/', { params: { path: { token: id } }, parseAs: 'blob' }))
  const blob = data as Blob
  return {
    id,
    kind: attachmentKind(blob.type),
    url: URL.createObjectURL(blob),
    size: blob.size,
    filename: attachmentFilename(n, blob.type),
  }
}
