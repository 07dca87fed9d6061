/**
 * Chinese words for the API's codes, and dates, sizes and distances as people read them.
 *
 * Label tables are checked against the generated contract with
 * `satisfies Partial<Record<Enum, string>>`: a value the contract drops or
 * renames fails the type check (a breaking change), while a value it adds
 * (allowed in v1) is shown as the API sends it until a label is written.
 */
import type {
  Level,
  InterpretationKind,
  LiaisonStationKind,
  PageType,
  PerformanceCounts,
  RegulationStatus,
  SiteLevel,
} from './api/types'

export function label(table: Readonly<Record<string, string | undefined>>, code: string): string {
  return table[code] ?? code
}

export const SITE_LEVELS = {
  province: '省级',
  municipal: '市级',
  county: '县级',
  township: '乡镇',
} satisfies Partial<Record<SiteLevel, string>>

export const DEPUTY_LEVELS = {
  national: '全国',
  province: '省级',
  municipal: '市级',
  county: '县级',
  township: '乡镇级',
} satisfies Partial<Record<Level, string>>

export const PAGE_TYPES = {
  home: '首页',
  column: '栏目',
  township: '乡镇人大',
  article: '文章',
  regulation: '法规',
  report: '报告',
  meeting: '会议',
} satisfies Partial<Record<PageType, string>>

/** Search hits also come from plugins' records (`kind`), e.g. the deputies' seats. */
export const HIT_TYPES: Record<string, string> = {
  ...PAGE_TYPES,
  'deputies.membership': '人大代表',
}

export const REGULATION_STATUS = {
  in_force: '现行有效',
  amended: '已修改',
  repealed: '已废止',
} satisfies Partial<Record<RegulationStatus, string>>

export const INTERPRETATION_KINDS = {
  interpretation: '解读',
  interview: '访谈',
} satisfies Partial<Record<InterpretationKind, string>>

export const STATION_KINDS = {
  station: '代表联络站',
  room: '代表活动室',
  home: '代表之家',
} satisfies Partial<Record<LiaisonStationKind, string>>

// Free-text codes in the contract (typed as strings), with the CMS's words.
export const REPORT_TYPES: Record<string, string> = {
  special_work_report: '专项工作报告',
  inspection_report: '执法检查报告',
  deliberation_opinions: '审议意见',
  handling_report: '审议意见研究处理情况的报告',
}

export const REPORTING_BODIES: Record<string, string> = {
  government: '人民政府',
  supervisory_commission: '监察委员会',
  court: '人民法院',
  procuratorate: '人民检察院',
  standing_committee: '人大常委会',
}

export const MEETING_TYPES: Record<string, string> = {
  congress_session: '人民代表大会会议',
  standing_committee: '常委会会议',
  chairpersons: '主任会议',
  other: '其他会议',
}

export const PERFORMANCE_COUNTS = {
  session: '出席会议',
  motion: '议案',
  suggestion: '建议',
  inspection: '视察',
  research: '调研',
  reception: '接待群众',
  report: '述职',
  training: '学习培训',
  other: '其他',
} satisfies Partial<Record<keyof PerformanceCounts, string>>

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日']

export function weekday(n: number): string {
  return WEEKDAYS[n] ?? ''
}

/** `2026-10-01` → `2026年10月1日` (dates are calendar dates in Beijing time). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!m) return value
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`
}

/** `2026-10-01` → `10月1日 周四`, for schedules. */
export function formatDay(value: string, weekdayNumber?: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value)
  if (!m) return value
  const n =
    weekdayNumber ?? ((new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).getUTCDay() + 6) % 7) + 1
  return `${Number(m[2])}月${Number(m[3])}日 ${weekday(n)}`
}

export function formatSize(bytes: number | null | undefined): string {
  if (bytes == null) return ''
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

export function formatDistance(km: number | null | undefined): string {
  if (km == null) return ''
  return km < 1 ? `${Math.round(km * 1000)} 米` : `${km.toFixed(1)} 公里`
}

export function formatDuration(seconds: number | null | undefined): string {
  if (!seconds) return ''
  const m = Math.floor(seconds / 60)
  const s = seconds % 60
  return `${m}:${String(s).padStart(2, '0')}`
}

export function formatTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getMonth() + 1}月${date.getDate()}日 ${pad(date.getHours())}:${pad(date.getMinutes())}`
}
