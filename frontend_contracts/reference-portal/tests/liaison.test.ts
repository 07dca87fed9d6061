import { describe, expect, it } from 'vitest'
import type { CitizenMessage } from '../src/api/types'
import { addresseeText, awaitsAnswer, clockLate, clockShown, clockText, emptyDraft, messageBody, messageMoves } from '../src/liaison'

function message(over: Partial<CitizenMessage> = {}): CitizenMessage {
  return {
    id: 1, addressed_to: 'deputy', deputy: '671', station: '', place_code: '', topic: 'transport',
    title: '路灯不亮', text: '村口路灯坏了', attachments: [], consent_publish: false, status: 'delivered',
    reason: '', station_name: '', deputies: ['鲍建胜'], unit: '', received_at: '2026-11-30T19:08:57+08:00',
    delivered_at: '2026-11-30T19:08:58+08:00', clock: { started_on: '2026-11-30', due_on: '2027-03-01', state: 'on_time' },
    answer: '', answered_at: null, answered_by: '', rating: '', rating_comment: '', solved: null,
    can_reopen: false, ask_solved: false, history: [], ...over,
  }
}
const answered = { status: 'answered', answer: '已修好', answered_at: '2026-12-01T10:00:00+08:00', answered_by: '鲍建胜' }

describe('the message a form sends', () => {
  it('names only the chosen addressee, with the texts trimmed', () => {
    const draft = { ...emptyDraft(), deputy: '671', station: '12', placeCode: '340123100', title: ' 路灯 ', text: ' 不亮\n', consent: true }
    expect(messageBody(draft)).toEqual({ addressed_to: 'deputy', deputy: '671', title: '路灯', text: '不亮', consent_publish: true })
    expect(messageBody({ ...draft, addressedTo: 'station' })).toMatchObject({ addressed_to: 'station', station: '12' })
    expect(messageBody({ ...draft, addressedTo: 'station' })).not.toHaveProperty('deputy')
    expect(messageBody({ ...draft, addressedTo: 'office', topic: 'housing' })).toEqual({
      addressed_to: 'office', title: '路灯', text: '不亮', consent_publish: true, topic: 'housing',
    })
  })

  it('sends the ids of the uploaded attachments, and no attachments field without them', () => {
    const draft = { ...emptyDraft(), title: 't', text: 'x' }
    expect(messageBody(draft)).not.toHaveProperty('attachments')
    const files = [
      { id: 'f1', name: '1.jpg', content_type: 'image/jpeg', size: 1 },
      { id: 'f2', name: '2.pdf', content_type: 'application/pdf', size: 2 },
    ]
    expect(messageBody({ ...draft, attachments: files }).attachments).toEqual(['f1', 'f2'])
  })

  it('writes to a place by its code, or by where I am', () => {
    const draft = { ...emptyDraft(), addressedTo: 'place' as const, title: 't', text: 'x' }
    expect(messageBody({ ...draft, placeCode: '340123100' })).toMatchObject({ place_code: '340123100' })
    const here = messageBody({ ...draft, position: { latitude: 31.7206123456, longitude: 117.15301234 } })
    expect(here).toMatchObject({ latitude: 31.720612, longitude: 117.153012 })
    expect(here).not.toHaveProperty('place_code')
    // Neither: sent as is, for the API to say what is missing beside the place.
    expect(messageBody(draft)).toMatchObject({ place_code: '' })
  })
})

describe('what a message allows now', () => {
  it('withdraw before the answer, nothing else', () => {
    expect(messageMoves(message())).toEqual({ withdraw: true, rate: false, solved: false, reopen: false })
    expect(messageMoves(message({ status: 'pending' })).withdraw).toBe(true)
    expect(messageMoves(message({ status: 'rejected' })).withdraw).toBe(false)
  })

  it('rate an answer once; reopen while the API allows it', () => {
    expect(messageMoves(message({ ...answered, can_reopen: true }))).toEqual({ withdraw: false, rate: true, solved: false, reopen: true })
    expect(messageMoves(message({ ...answered, rating: 'satisfied' })).rate).toBe(false)
    // Closed after "was it solved?" without a rating: still rated once.
    expect(messageMoves(message({ ...answered, status: 'closed', solved: true })).rate).toBe(true)
    expect(messageMoves(message({ status: 'reopened', answered_at: null })).rate).toBe(false)
  })

  it('answer "was it solved?" when the API asks', () => {
    expect(messageMoves(message({ ...answered, ask_solved: true })).solved).toBe(true)
    expect(messageMoves(message({ ...answered })).solved).toBe(false)
  })
})

describe('a message in words', () => {
  it('says whom it went to', () => {
    expect(addresseeText(message())).toBe('代表 鲍建胜')
    expect(addresseeText(message({ station_name: '上派镇代表联络站', deputies: ['甲', '乙'] }))).toBe('上派镇代表联络站 · 代表 甲、乙')
    expect(addresseeText(message({ deputies: [], unit: '县交通运输局' }))).toBe('转办 县交通运输局')
    expect(addresseeText(message({ deputies: [] }))).toBe('人大办公室')
  })

  it('shows the reply clock while the answer is awaited; not for a message withdrawn or refused', () => {
    expect(awaitsAnswer(message())).toBe(true)
    expect(awaitsAnswer(message({ status: 'reopened', ...{ answered_at: '2026-12-01T10:00:00+08:00' } }))).toBe(true)
    expect(awaitsAnswer(message({ ...answered }))).toBe(false)
    expect(awaitsAnswer(message({ status: 'withdrawn' }))).toBe(false)
    expect(awaitsAnswer(message({ clock: null }))).toBe(false)
    expect(clockShown(message({ ...answered }))).toBe(true) // 按期答复 or 逾期答复
    expect(clockShown(message({ status: 'withdrawn' }))).toBe(false)
    expect(clockShown(message({ status: 'rejected' }))).toBe(false)
  })

  it('says the reply clock, and when it needs attention', () => {
    expect(clockText(message().clock)).toBe('答复期限 2027年3月1日 · 正常')
    expect(clockText(null)).toBe('')
    expect(clockLate({ started_on: '2026-09-01', due_on: '2026-12-01', state: 'overdue' })).toBe(true)
    expect(clockLate(message().clock)).toBe(false)
  })
})
