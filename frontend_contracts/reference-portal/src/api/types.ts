/**
 * Names for the contract's schemas, and the StreamField block values.
 *
 * Everything here comes from the generated `schema.d.ts` except the block
 * values: the contract types a block's `value` as "any" (it depends on the
 * block's `type`), so they are written out from frontend_contracts/README.md
 * (正文), in terms of the contract's own `Image` and `Document`.
 */
import type { components } from './schema'

type Schemas = components['schemas']

export type SiteDetail = Schemas['SiteDetail']
export type SiteLevel = Schemas['SiteLevelEnum']
export type SiteTreeNode = Schemas['SiteTreeNode']
export type Banner = Schemas['Banner']
export type NavigationItem = Schemas['NavigationItem']
export type ColumnNode = Schemas['ColumnNode']
export type PageList = Schemas['PageList']
export type PageListItem = Schemas['PageListItem']
export type PageType = Schemas['PageTypeEnum']
export type PageDetail = Schemas['PageDetail']
export type PageLink = Schemas['PageLink']
export type Block = Schemas['Block']
export type Image = Schemas['Image']
export type Document = Schemas['Document']
export type Attachment = Schemas['Attachment']
export type RegulationStatus = Schemas['StatusEnum']
export type InterpretationKind = Schemas['InterpretationKindEnum']
export type SearchResponse = Schemas['SearchResponse']
export type Hit = Schemas['Hit']
export type Suggestion = Schemas['Suggestion']
export type DeputyList = Schemas['DeputyList']
export type DeputyListItem = Schemas['DeputyListItem']
export type DeputyDetail = Schemas['DeputyDetail']
export type DeputyMembership = Schemas['DeputyMembership']
export type Level = Schemas['LevelEnum']
export type PerformanceCounts = Schemas['DeputiesPerformanceCounts']
export type DeputiesCongress = Schemas['DeputiesCongress']
export type LiaisonStation = Schemas['LiaisonStation']
export type LiaisonStationList = Schemas['LiaisonStationList']
export type LiaisonStationDetail = Schemas['LiaisonStationDetail']
export type LiaisonStationKind = Schemas['LiaisonStationKindEnum']

/** Anything with sized renditions: a page image or a deputy's photo (one `Image` schema). */
export type Picture = Image

export interface BlockValues {
  paragraph: string
  heading: { text: string; level: string }
  image: { image: Image | null; caption: string }
  gallery: { title: string; images: { image: Image | null; caption: string }[] }
  table: {
    caption: string
    first_row_is_header: boolean
    first_col_is_header: boolean
    rows: string[][]
  }
  attachment: { document: Document | null; title: string }
  audio: { title: string; file: Document | null; url: string; transcript: string }
  video: {
    title: string
    file: Document | null
    url: string
    poster: Image | null
    duration_seconds: number | null
  }
  quote: { text: string; attribution: string }
  speech: {
    speaker: string
    role: string
    text: string
    audio: Document | null
    video: Document | null
  }
  item: { item: string; note: string }
}

export type KnownBlock = {
  [K in keyof BlockValues]: { type: K; value: BlockValues[K]; id: string | null }
}[keyof BlockValues]

const KNOWN = new Set<string>([
  'paragraph', 'heading', 'image', 'gallery', 'table', 'attachment',
  'audio', 'video', 'quote', 'speech', 'item',
])

/** The blocks this portal can draw; others (added to the API later) are skipped. */
export function knownBlocks(blocks: Block[]): KnownBlock[] {
  return blocks.filter((b) => KNOWN.has(b.type) && b.value != null) as KnownBlock[]
}
export type Me = Schemas['Me']
export type Notification = Schemas['Notification']
export type NotificationList = Schemas['NotificationList']
export type Role = Schemas['RolesEnum']
