import { describe, expect, it } from 'vitest'
import type { Draft, Provision } from '../src/api/types'
import { commentTargets, countsText, draftRows } from '../src/consultations'

let next = 1
function node(kind: Provision['kind'], label: string, over: Partial<Provision> = {}, children: Provision[] = []): Provision {
  return { id: next++, kind, number: 1, label, heading: '', text: '', children: children as unknown as Provision['children'], ...over }
}

describe('a draft as rows', () => {
  it('reads chapters, articles with their paragraphs and items, and the counts, in order', () => {
    const tree = [
      node('chapter', '第一章', { heading: '总则' }, [
        node('article', '第一条', { comments: { total: 2, deputies: 1 } }, [node('paragraph', '第一款', { text: '为了保障农村供水安全,制定本条例。' })]),
      ]),
      node('chapter', '第二章', { heading: '规划与建设' }, [
        node('section', '第一节', { heading: '规划' }, [
          node('article', '第二条', {}, [
            node('paragraph', '第一款', { text: '规划应当包括下列内容:' }, [
              node('item', '(一)', { text: '供水现状;' }),
              node('item', '(二)', { text: '水源保护。' }),
            ]),
            node('paragraph', '第二款', { text: '规划报本级人民政府批准。' }),
          ]),
        ]),
      ]),
    ]
    const rows = draftRows(tree)
    expect(rows.map((r) => (r.kind === 'heading' ? `${r.level}:${r.title}` : `${r.label}:${r.total}/${r.deputies}`))).toEqual([
      'chapter:第一章 总则',
      '第一条:2/1',
      'chapter:第二章 规划与建设',
      'section:第一节 规划',
      '第二条:0/0', // no counts given: none
    ])
    const second = rows[4]!
    expect(second.kind === 'article' && second.paragraphs.map((p) => [p.label, p.text, p.items.map((i) => i.label + i.text)])).toEqual([
      ['第一款', '规划应当包括下列内容:', ['(一)供水现状;', '(二)水源保护。']],
      ['第二款', '规划报本级人民政府批准。', []],
    ])
  })

  it('offers the article, or one of its paragraphs when it has several, to comment on', () => {
    const [one, two] = draftRows([
      node('article', '第一条', {}, [node('paragraph', '第一款', { text: 'a' })]),
      node('article', '第二条', {}, [node('paragraph', '第一款', { text: 'b' }), node('paragraph', '第二款', { text: 'c' })]),
    ])
    expect(one!.kind === 'article' && commentTargets(one!).map((t) => t.label)).toEqual(['第一条(整条)'])
    expect(two!.kind === 'article' && commentTargets(two!).map((t) => t.label)).toEqual(['第二条(整条)', '第二条第一款', '第二条第二款'])
    expect(two!.kind === 'article' && commentTargets(two!)[0]!.id).toBe(two!.id)
  })

  it('sums up the comments', () => {
    const draft = { comments: { total: 6, deputies: 1, citizens: 5, whole_draft: 2 } } as Draft
    expect(countsText(draft)).toBe('共 6 条意见,其中人大代表 1 条,针对草案整体 2 条')
    expect(countsText({ comments: { total: 0, deputies: 0, citizens: 0, whole_draft: 0 } } as Draft)).toBe('共 0 条意见')
  })
})
