/**
 * 给代表留言 and 我的留言 (the liaison plugin's citizen API,
 * `/api/v1/liaison/messages/?site=`): the Chinese words for its codes, the body
 * a form sends, and which moves a message allows now.
 *
 * Label tables follow format.ts: `satisfies Partial<Record<Enum, string>>`
 * fails the type check when the contract drops or renames a value, and a new
 * value is shown as the API sends it until a label is written.
 */
import type {
  AddressedTo,
  CitizenMessage,
  ClockState,
  MessageClock,
  MessageState,
  MessageTopic,
  RatingResult,
  Upload,
  Write,
} from './api/types'
import { formatDate, label } from './format'

/** `status`: the message's state, or moderation's while it holds (`pending`) or refused it. */
export const MESSAGE_STATUS = {
  pending: '待审核',
  received: '已收到',
  screened: '待分办',
  delivered: '已送达代表',
  forwarded: '已转办',
  answered: '已答复',
  reopened: '重新办理',
  closed: '已办结',
  rejected: '不予受理',
  withdrawn: '已撤回',
} satisfies Partial<Record<MessageState | 'pending', string>>

export const TOPICS = {
  economy: '经济发展',
  agriculture: '农业农村',
  transport: '交通出行',
  education: '教育',
  health: '医疗卫生',
  environment: '生态环境',
  social: '社会保障',
  housing: '住房与物业',
  governance: '社会治理',
  other: '其他',
} satisfies Partial<Record<MessageTopic, string>>

export const ADDRESSEES = {
  deputy: '一位代表',
  station: '联络站',
  place: '所在地的代表',
  office: '不指定',
} satisfies Partial<Record<AddressedTo, string>>

export const RATINGS = {
  satisfied: '满意',
  basically: '基本满意',
  unsatisfied: '不满意',
} satisfies Partial<Record<RatingResult, string>>

export const CLOCK_STATES = {
  on_time: '正常',
  due_soon: '临近到期',
  overdue: '已逾期',
  long_overdue: '严重逾期',
  paused: '暂停计时',
  met: '按期答复',
  met_late: '逾期答复',
} satisfies Partial<Record<ClockState, string>>

/** What the write form holds. */
export interface MessageDraft {
  addressedTo: AddressedTo
  /** A deputy's id in the deputies register (`/api/v1/deputies/`). */
  deputy: string
  /** A liaison station's id (`/api/v1/deputies/stations/`). */
  station: string
  /** A township's (9 digits) or the county's (6) division code. */
  placeCode: string
  /** Where I am, for "所在地的代表" without a place: the nearest station within 10 km. */
  position: { latitude: number; longitude: number } | null
  topic: MessageTopic | ''
  title: string
  text: string
  consent: boolean
  /** Files already sent to `/api/v1/uploads/` (their ids go with the message). */
  attachments: Upload[]
}

export function emptyDraft(): MessageDraft {
  return {
    addressedTo: 'deputy',
    deputy: '',
    station: '',
    placeCode: '',
    position: null,
    topic: '',
    title: '',
    text: '',
    consent: false,
    attachments: [],
  }
}

/** The POST body: the addressee's own field only, the texts trimmed. */
export function messageBody(d: MessageDraft): Write<'CitizenMessage'> {
  const body: Write<'CitizenMessage'> = {
    addressed_to: d.addressedTo,
    title: d.title.trim(),
    text: d.text.trim(),
    consent_publish: d.consent,
  }
  if (d.topic) body.topic = d.topic
  if (d.attachments.length) body.attachments = d.attachments.map((a) => a.id)
  if (d.addressedTo === 'deputy') body.deputy = d.deputy
  else if (d.addressedTo === 'station') body.station = d.station
  else if (d.addressedTo === 'place') {
    if (d.placeCode) body.place_code = d.placeCode
    else if (d.position) {
      body.latitude = Number(d.position.latitude.toFixed(6))
      body.longitude = Number(d.position.longitude.toFixed(6))
    } else body.place_code = '' // the API says what is missing, beside the place
  }
  return body
}

/** The form's inputs, by the API's field names (for `splitErrors`). */
export const MESSAGE_FIELDS = [
  'addressed_to',
  'deputy',
  'station',
  'place_code',
  'latitude',
  'longitude',
  'topic',
  'title',
  'text',
  'consent_publish',
  'attachments',
] as const

/** Before the answer, the writer may withdraw (the states `withdraw` accepts). */
const WITHDRAWABLE = new Set(['pending', 'received', 'screened', 'delivered', 'forwarded', 'reopened'])

export interface MessageMoves {
  withdraw: boolean
  /** Rate the answer: once per answer (a new answer after reopening clears the rating). */
  rate: boolean
  /** "问题解决了吗?": asked some days after the answer (`ask_solved`), answered once. */
  solved: boolean
  /** Ask again about the answer, within the days the API allows (`can_reopen`). */
  reopen: boolean
}

export function messageMoves(m: CitizenMessage): MessageMoves {
  return {
    withdraw: WITHDRAWABLE.has(m.status),
    rate: !!m.answered_at && !m.rating && (m.status === 'answered' || m.status === 'closed'),
    solved: m.ask_solved,
    reopen: m.can_reopen,
  }
}

/** Waiting for an answer: its reply clock is running (shown with the due date in lists). */
const AWAITING = new Set(['received', 'screened', 'delivered', 'forwarded', 'reopened'])
export function awaitsAnswer(m: CitizenMessage): boolean {
  return AWAITING.has(m.status) && !!m.clock
}

/** Whether the clock means anything: not for a message withdrawn or not accepted. */
export function clockShown(m: CitizenMessage): boolean {
  return !!m.clock && m.status !== 'withdrawn' && m.status !== 'rejected'
}

/** Whom the message went to, in words. */
export function addresseeText(m: CitizenMessage): string {
  const parts: string[] = []
  if (m.deputies.length) parts.push(`代表 ${m.deputies.join('、')}`)
  if (m.station_name) parts.unshift(m.station_name)
  if (m.unit) parts.push(`转办 ${m.unit}`)
  return parts.join(' · ') || '人大办公室'
}

/** The reply clock in one line: "答复期限 2027年2月26日 · 正常". */
export function clockText(clock: MessageClock | null): string {
  if (!clock) return ''
  return `答复期限 ${formatDate(clock.due_on)} · ${label(CLOCK_STATES, clock.state)}`
}

/** Clock states that ask for attention (shown in the warning colour). */
export function clockLate(clock: MessageClock | null): boolean {
  return !!clock && ['due_soon', 'overdue', 'long_overdue', 'met_late'].includes(clock.state)
}
