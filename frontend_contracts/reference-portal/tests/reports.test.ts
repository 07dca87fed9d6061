import { describe, expect, it } from 'vitest'
import type { Consultation, FeedbackReport } from '../src/api/types'
import { articleCountText, emptyProposal, proposalBody, reportView, versionWord } from '../src/reports'

/** The API's own example of a published report (exported from the running API). */
const examples = import.meta.glob<{ response: { body: FeedbackReport } }>('../../examples/consultations_report_retrieve.json', {
  eager: true,
  import: 'default',
})
const example = Object.values(examples)[0]!.response.body

const call: Consultation = {
  id: 3, kind: 'call', topic: 'supervision', title: '2027年度监督工作项目征集', summary: '', site: '340123', site_name: '肥西县',
  status: 'closed', opens_on: '2026-11-01', closes_on: '2026-11-30', comment_count: 2, report_published: true,
}

describe('the feedback report of a draft', () => {
  const view = reportView(example, 'draft')

  it('shows the totals in order with their words, as the API counts them', () => {
    expect(view.totals.map((t) => t.label)).toEqual(['意见总数', '群众意见', '代表意见', '采纳', '部分采纳', '未采纳'])
    expect(view.totals.find((t) => t.key === 'total')!.value).toBe(example.totals.total)
  })

  it('reads each decision with its result, reason and the clause it changed', () => {
    expect(view.decisions).toHaveLength(example.decisions!.length)
    const first = view.decisions[0]!
    expect(first.resultLabel).toBe('采纳')
    expect(first.changed).toBe('第三条(第二稿)')
    const refused = view.decisions.find((d) => d.result === 'not_adopted')!
    expect(refused.changed).toBe('')
    expect(refused.reason).not.toBe('')
  })

  it('links each comment behind a changed clause to the result of its decision', () => {
    const clause = view.clauses[0]!
    expect(clause.label).toBe('第三条')
    expect(clause.comments.map((c) => c.result)).toEqual(['adopted', 'partly'])
  })

  it('adds the comments on the whole draft after the articles', () => {
    expect(view.articles.at(-1)!.label).toBe('草案整体')
    expect(articleCountText(view.articles[0]!)).toBe('意见 2:采纳 1、部分采纳 1')
  })

  it('leaves out what the loosely typed rows lack instead of showing "undefined"', () => {
    const odd = reportView(
      { ...example, decisions: [{ id: 9, result: 'partly' }, 'junk' as never], changed_clauses: [{}], articles: undefined },
      'draft',
    )
    expect(odd.decisions).toEqual([
      { id: 9, result: 'partly', resultLabel: '部分采纳', reason: '', comments: 0, deputyComments: 0, articles: [], changed: '' },
    ])
    expect(odd.clauses[0]).toMatchObject({ label: '', text: '', comments: [] })
    expect(odd.articles.map((a) => a.label)).toEqual(['草案整体'])
  })
})

describe('the result of a call for topics', () => {
  it('counts proposals by outcome and lists each with its outcome', () => {
    const view = reportView(
      {
        consultation: call, summary: '共收到2件', published_at: '2026-12-01T10:00:00+08:00',
        totals: { total: 2, included: 1, merged: 1, not_included: 0 },
        proposals: [
          { id: 1, title: '农村饮水安全', proposer_type: 'citizen', proposer_type_label: '公民', outcome: 'included', outcome_label: '列入' },
          { id: 2, title: '养老服务', proposer_type: 'deputy', outcome: 'merged', merged_into: '民生实事项目' },
        ],
      },
      'call',
    )
    expect(view.totals.map((t) => `${t.label}${t.value}`)).toEqual(['项目建议2', '列入1', '合并列入1', '未列入0'])
    expect(view.proposals.map((p) => [p.title, p.proposerType, p.outcomeLabel, p.mergedInto])).toEqual([
      ['农村饮水安全', '公民', '列入', ''],
      ['养老服务', '人大代表', '合并列入', '民生实事项目'],
    ])
  })

  it('sends a proposal with the organisation only for an organisation', () => {
    const draft = { ...emptyProposal(), organisation: '某协会', title: ' 饮水 ', reasons: ' 理由 ', content: ' 内容 ' }
    expect(proposalBody(3, draft)).toEqual({ call: 3, proposer_type: 'citizen', title: '饮水', reasons: '理由', content: '内容' })
    expect(proposalBody(3, { ...draft, proposerType: 'organisation' })).toMatchObject({ organisation: '某协会' })
  })

  it('names versions in Chinese', () => {
    expect(versionWord(2)).toBe('第二稿')
    expect(versionWord(12)).toBe('第12稿')
  })
})
