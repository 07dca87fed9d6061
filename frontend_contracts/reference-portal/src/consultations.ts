/**
 * 立法征询 (the consultations plugin, `/api/v1/consultations/?site=`): a draft
 * regulation's tree of provisions as rows to draw, and the words for its codes.
 *
 * The API nests the draft as it is written — 编 part › 章 chapter › 节 section ›
 * 条 article › 款 paragraph › 项 item — and each article carries the number of
 * approved comments on it (`comments: { total, deputies }`). A comment is made
 * on an article or one of its paragraphs (`provision`), or on the whole draft.
 */
import type {
  ConsultationResult,
  ConsultationStatus,
  Draft,
  Provision,
  ProvisionKind,
} from './api/types'

export const CONSULTATION_STATUS = {
  draft: '未发布',
  scheduled: '即将开始',
  open: '征求意见中',
  closed: '已结束',
} satisfies Partial<Record<ConsultationStatus, string>>

export const COMMENT_RESULTS = {
  adopted: '采纳',
  partly: '部分采纳',
  not_adopted: '未采纳',
} satisfies Partial<Record<ConsultationResult, string>>

/** My comment's `status` (moderation's words, a free string in the contract). */
export const COMMENT_STATUS: Record<string, string> = {
  pending: '待审核',
  approved: '已收到',
  rejected: '已退回',
}

export interface Paragraph {
  id: number
  /** 第一款, 第二款… */
  label: string
  text: string
  items: { id: number; label: string; text: string }[]
}

export type DraftRow =
  | { kind: 'heading'; id: number; level: Extract<ProvisionKind, 'part' | 'chapter' | 'section'>; title: string }
  | { kind: 'article'; id: number; label: string; paragraphs: Paragraph[]; total: number; deputies: number }

/** `children` is typed loosely in the contract ("the same structure"): read it as provisions. */
function childrenOf(p: Provision): Provision[] {
  return p.children as unknown as Provision[]
}

function paragraph(p: Provision): Paragraph {
  return {
    id: p.id,
    label: p.label,
    text: p.text,
    items: childrenOf(p)
      .filter((c) => c.kind === 'item')
      .map((c) => ({ id: c.id, label: c.label, text: c.text })),
  }
}

/** The draft in reading order: headings, then each article with its paragraphs and counts. */
export function draftRows(provisions: Provision[]): DraftRow[] {
  const rows: DraftRow[] = []
  const walk = (nodes: Provision[]) => {
    for (const node of nodes) {
      if (node.kind === 'part' || node.kind === 'chapter' || node.kind === 'section') {
        rows.push({ kind: 'heading', id: node.id, level: node.kind, title: `${node.label} ${node.heading}`.trim() })
        walk(childrenOf(node))
      } else if (node.kind === 'article') {
        const children = childrenOf(node)
        rows.push({
          kind: 'article',
          id: node.id,
          label: node.label,
          paragraphs: children.filter((c) => c.kind === 'paragraph').map(paragraph),
          total: node.comments?.total ?? 0,
          deputies: node.comments?.deputies ?? 0,
        })
      }
      // A paragraph or item outside an article is not in a parsed draft; nothing to draw.
    }
  }
  walk(provisions)
  return rows
}

/** What a comment can be about, for an article: the article, or one of its paragraphs when it has several. */
export function commentTargets(article: Extract<DraftRow, { kind: 'article' }>): { id: number; label: string }[] {
  const whole = { id: article.id, label: `${article.label}(整条)` }
  if (article.paragraphs.length < 2) return [whole]
  return [whole, ...article.paragraphs.map((p) => ({ id: p.id, label: `${article.label}${p.label}` }))]
}

/** "共 6 条意见,其中人大代表 1 条;针对草案整体 1 条" */
export function countsText(draft: Draft): string {
  const c = draft.comments
  const parts = [`共 ${c.total} 条意见`]
  if (c.deputies) parts.push(`其中人大代表 ${c.deputies} 条`)
  if (c.whole_draft) parts.push(`针对草案整体 ${c.whole_draft} 条`)
  return parts.join(',')
}
