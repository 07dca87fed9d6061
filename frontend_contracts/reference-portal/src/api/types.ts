/**
 * Names for the contract's schemas, and the StreamField block values.
 *
 * Everything here comes from the generated `schema.d.ts` except the block
 * values: the contract types a block's `value` as "any" (it depends on the
 * block's `type`), so they are written out from frontend_contracts/README.md
 * (正文), in terms of the contract's own `Image` and `Document`.
 */
import type { components, Readable, Writable } from './schema'

/**
 * The contract's schemas as the API sends them. The client is generated with
 * `--read-write-markers`: a `readOnly` property (an answer's `status`, a
 * message's `history`) is marked `$Read` in the schema, so that it is left
 * out of request bodies (`Write<…>`, and openapi-fetch's `body`), and a
 * `writeOnly` one (`latitude` of a message) out of answers. `Readable` takes
 * the markers off for reading.
 */
type Schemas = { [K in keyof components['schemas']]: Readable<components['schemas'][K]> }

/** What may be sent for a schema: its `readOnly` properties left out. */
export type Write<K extends keyof components['schemas']> = Writable<components['schemas'][K]>

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

// Liaison (给代表留言、我的留言).
export type CitizenMessage = Schemas['CitizenMessage']
export type CitizenMessageList = Schemas['CitizenMessageList']
export type MessageClock = Schemas['MessageClock']
export type MessageHistory = Schemas['MessageHistory']
export type MessageState = Schemas['MessageStateEnum']
export type MessageTopic = Schemas['MessageTopicEnum']
export type AddressedTo = Schemas['MessageAddressedToEnum']
export type RatingResult = Schemas['RatingResultEnum']
/** The statutory clock's states (the contract names the enum after its first user). */
export type ClockState = MessageClock['state']
export type SiteNode = Schemas['SiteNode']

// Consultations (立法征询): drafts, their provisions, my comments.
export type Consultation = Schemas['Consultation']
export type ConsultationList = Schemas['ConsultationList']
export type ConsultationDetail = Schemas['ConsultationDetail']
export type ConsultationStatus = Schemas['ConsultationStatusEnum']
export type Draft = Schemas['Draft']
export type Provision = Schemas['Provision']
export type ProvisionKind = Schemas['ProvisionKindEnum']
export type ConsultationComment = Schemas['Comment']
export type ConsultationCommentList = Schemas['CommentList']
export type ConsultationResult = Schemas['ConsultationResultEnum']

// Attachments (the core's upload API).
export type Upload = Schemas['Upload']

// 项目征集 (calls for topics) and 意见采纳情况 (the feedback report).
export type ConsultationTopic = Schemas['ConsultationTopicEnum']
export type Proposal = Schemas['Proposal']
export type ProposalList = Schemas['ProposalList']
export type ProposerType = Schemas['ProposerTypeEnum']
export type FeedbackReport = Schemas['Report']
