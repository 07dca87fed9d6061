/**
 * 意见采纳情况 (the published feedback report, `/api/v1/consultations/{id}/report/`)
 * and 项目征集 (calls for legislative or supervision topics, `kind=call`, whose
 * proposals go to `/api/v1/consultations/proposals/`).
 *
 * The contract types the report's rows loosely (`articles`, `decisions`,
 * `changed_clauses`, `proposals` are arrays of free objects), so this module
 * reads them defensively: a field missing or of another type is left out, never
 * shown as "undefined". The shapes below are those of the API's own examples
 * (frontend_contracts/examples/consultations_report_retrieve.json).
 */
import type { ConsultationResult, ConsultationTopic, FeedbackReport, ProposerType, Write } from './api/types'

export const CALL_TOPICS = {
  legislation: '立法计划项目',
  supervision: '监督工作项目',
} satisfies Partial<Record<ConsultationTopic, string>>

export const PROPOSER_TYPES = {
  citizen: '公民',
  deputy: '人大代表',
  organisation: '单位组织',
} satisfies Partial<Record<ProposerType, string>>

/** A proposal's `outcome` once the call's result is published (a free string in the contract). */
export const PROPOSAL_OUTCOMES: Record<string, string> = {
  included: '列入',
  merged: '合并列入',
  not_included: '未列入',
}

export const RESULT_WORDS = {
  adopted: '采纳',
  partly: '部分采纳',
  not_adopted: '未采纳',
} satisfies Partial<Record<ConsultationResult, string>>

type Loose = Record<string, unknown>

const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const rows = (v: unknown): Loose[] =>
  Array.isArray(v) ? v.filter((r): r is Loose => typeof r === 'object' && r !== null) : []

export interface Decision {
  id: number
  result: string
  /** The API's word for the result (falls back to ours). */
  resultLabel: string
  reason: string
  comments: number
  deputyComments: number
  /** The articles the comments were on (第三条, 草案整体…). */
  articles: string[]
  /** The clause of a later version changed because of it: "第三条(第二稿)". */
  changed: string
}

export interface ChangedClause {
  id: number
  label: string
  version: number
  text: string
  commentCount: number
  comments: { id: number; text: string; article: string; asDeputy: boolean; result: string }[]
}

export interface ArticleCount {
  id: number
  label: string
  total: number
  deputies: number
  adopted: number
  partly: number
  notAdopted: number
}

export interface ProposalOutcome {
  id: number
  title: string
  proposerType: string
  reasons: string
  content: string
  outcome: string
  outcomeLabel: string
  outcomeReason: string
  mergedInto: string
}

export interface ReportView {
  summary: string
  publishedAt: string
  /** Totals in the order to show them, with their words; zero rows of results left out. */
  totals: { key: string; label: string; value: number }[]
  articles: ArticleCount[]
  decisions: Decision[]
  clauses: ChangedClause[]
  proposals: ProposalOutcome[]
}

const VERSION_WORDS = ['', '第一稿', '第二稿', '第三稿', '第四稿', '第五稿']
export function versionWord(n: number): string {
  return VERSION_WORDS[n] ?? `第${n}稿`
}

const DRAFT_TOTALS: [string, string][] = [
  ['total', '意见总数'],
  ['citizens', '群众意见'],
  ['deputies', '代表意见'],
  ['adopted', '采纳'],
  ['partly', '部分采纳'],
  ['not_adopted', '未采纳'],
]
const CALL_TOTALS: [string, string][] = [
  ['total', '项目建议'],
  ['included', '列入'],
  ['merged', '合并列入'],
  ['not_included', '未列入'],
]

function articleCount(a: Loose, label: string): ArticleCount {
  return {
    id: num(a.id),
    label,
    total: num(a.total),
    deputies: num(a.deputies),
    adopted: num(a.adopted),
    partly: num(a.partly),
    notAdopted: num(a.not_adopted),
  }
}

/** The report as the screen shows it. `kind` is the consultation's (`draft` or `call`). */
export function reportView(report: FeedbackReport, kind: string): ReportView {
  const totals = (kind === 'call' ? CALL_TOTALS : DRAFT_TOTALS)
    .filter(([key]) => typeof report.totals[key] === 'number')
    .map(([key, label]) => ({ key, label, value: report.totals[key] ?? 0 }))
  const decisions = rows(report.decisions).map((d): Decision => {
    const changed = typeof d.changed_provision === 'object' && d.changed_provision !== null ? (d.changed_provision as Loose) : null
    const result = str(d.result)
    return {
      id: num(d.id),
      result,
      resultLabel: str(d.result_label) || RESULT_WORDS[result as ConsultationResult] || result,
      reason: str(d.reason),
      comments: num(d.comments),
      deputyComments: num(d.deputy_comments),
      articles: Array.isArray(d.articles) ? d.articles.filter((a): a is string => typeof a === 'string') : [],
      changed: changed ? `${str(changed.label)}(${versionWord(num(changed.version))})` : '',
    }
  })
  const resultOf = new Map(decisions.map((d) => [d.id, d.result]))
  return {
    summary: report.summary,
    publishedAt: report.published_at,
    totals,
    articles: rows(report.articles)
      .map((a) => articleCount(a, str(a.label)))
      .concat(report.whole_draft && num(report.whole_draft.total) ? [articleCount(report.whole_draft, '草案整体')] : []),
    decisions,
    clauses: rows(report.changed_clauses).map((c) => ({
      id: num(c.id),
      label: str(c.label),
      version: num(c.version),
      text: str(c.text),
      commentCount: num(c.comment_count),
      comments: rows(c.comments).map((m) => ({
        id: num(m.id),
        text: str(m.text),
        article: str(m.article),
        asDeputy: m.as_deputy === true,
        result: resultOf.get(num(m.decision)) ?? '',
      })),
    })),
    proposals: rows(report.proposals).map((p) => ({
      id: num(p.id),
      title: str(p.title),
      proposerType: str(p.proposer_type_label) || PROPOSER_TYPES[str(p.proposer_type) as ProposerType] || '',
      reasons: str(p.reasons),
      content: str(p.content),
      outcome: str(p.outcome),
      outcomeLabel: str(p.outcome_label) || PROPOSAL_OUTCOMES[str(p.outcome)] || '',
      outcomeReason: str(p.outcome_reason),
      mergedInto: str(p.merged_into),
    })),
  }
}

/** An article's counts in one line: "意见 2:采纳 1、部分采纳 1". */
export function articleCountText(a: ArticleCount): string {
  const parts = [
    a.adopted && `采纳 ${a.adopted}`,
    a.partly && `部分采纳 ${a.partly}`,
    a.notAdopted && `未采纳 ${a.notAdopted}`,
  ].filter(Boolean)
  return `意见 ${a.total}${a.deputies ? `(代表 ${a.deputies})` : ''}${parts.length ? `:${parts.join('、')}` : ''}`
}

/** What the proposal form holds. */
export interface ProposalDraft {
  proposerType: ProposerType
  organisation: string
  title: string
  reasons: string
  content: string
}

export function emptyProposal(): ProposalDraft {
  return { proposerType: 'citizen', organisation: '', title: '', reasons: '', content: '' }
}

/** The POST body: the texts trimmed, the organisation only for an organisation. */
export function proposalBody(call: number, d: ProposalDraft): Write<'Proposal'> {
  const body: Write<'Proposal'> = {
    call,
    proposer_type: d.proposerType,
    title: d.title.trim(),
    reasons: d.reasons.trim(),
    content: d.content.trim(),
  }
  if (d.proposerType === 'organisation') body.organisation = d.organisation.trim()
  return body
}

export const PROPOSAL_FIELDS = ['call', 'proposer_type', 'organisation', 'title', 'reasons', 'content'] as const
