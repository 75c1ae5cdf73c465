/**
 * The published key table of compact frames (docs/protocol.md, "Compact frames (v2)"): a
 * client that connects with `?format=compact` gets every server frame with these short
 * keys, and with the short `type` values below. Pure data with no imports, so the Lambda
 * code and the browser SDK both import it (as protocol/error-codes.ts).
 *
 * How it may grow: only additions, in a later `COMPACT_VERSION`. A short key or short type
 * once published is never changed, removed or given to another long name, so an older SDK
 * still decodes every key it knows (a key it does not know arrives as it was sent).
 */
export const COMPACT_VERSION = 1;

/** Every key of every server frame (and of the objects inside them) → its short key. */
export const COMPACT_KEYS = {
  // Frames
  type: 't',
  roomId: 'r',
  userId: 'u',
  requestId: 'q',
  message: 'm',
  messages: 'M',
  hasMore: 'h',
  firstSeq: 'F',
  online: 'o',
  onlineCount: 'oc',
  lastSeq: 'l',
  readSeq: 'g',
  unread: 'w',
  status: 'S',
  text: 'T',
  lastSeen: 'L',
  users: 'U',
  state: 'st',
  seq: 's',
  emoji: 'j',
  on: 'O',
  code: 'C',
  retryAfterMs: 'ra',
  room: 'R',
  role: 'ro',
  members: 'mb',
  membersCursor: 'mc',
  rooms: 'rs',
  cursor: 'cu',
  member: 'mm',
  change: 'ch',
  reason: 'rn',
  results: 'rz',
  highlight: 'hl',
  uploadId: 'ui',
  url: 'ur',
  method: 'md',
  headers: 'hd',
  expiresAt: 'ex',
  // Message
  id: 'i',
  content: 'c',
  createdAt: 'a',
  clientMsgId: 'k',
  editedAt: 'e',
  deleted: 'd',
  replyTo: 'p',
  mentions: 'n',
  reactions: 'x',
  rev: 'v',
  attachments: 'f',
  // Reaction
  count: 'N',
  me: 'y',
  // Attachment
  fileName: 'fn',
  contentType: 'ct',
  size: 'z',
  thumbnailUrl: 'tu',
  // Room, RoomSummary
  name: 'nm',
  visibility: 'vi',
  kind: 'kd',
  encrypted: 'en',
  createdBy: 'cb',
  slowModeSec: 'sm',
  retentionDays: 'rd',
  unreadMentions: 'um',
  lastMessage: 'lm',
  // Member
  joinedAt: 'ja',
  banned: 'b',
  bannedUntil: 'bu',
  banReason: 'br',
  muted: 'mu',
  mutedUntil: 'mt',
  removed: 'rm',
} as const satisfies Record<string, string>;

export type LongKey = keyof typeof COMPACT_KEYS;

/** The `type` of every server frame → its short value. */
export const COMPACT_TYPES = {
  room_history: 'h',
  left: 'lf',
  ack: 'a',
  new_message: 'm',
  presence: 'p',
  presence_list: 'pl',
  status: 's',
  pong: 'po',
  typing: 't',
  read_state: 'rs',
  read: 'r',
  reaction: 'x',
  presence_count: 'pc',
  error: 'e',
  room: 'R',
  rooms: 'Rs',
  member: 'mb',
  member_update: 'mu',
  removed: 'rm',
  message_updated: 'u',
  message_deleted: 'd',
  search_results: 'sr',
  upload: 'up',
} as const satisfies Record<string, string>;

/**
 * Keys whose value is a map: its keys are data (HTTP header names in `upload`), so they
 * pass unchanged, as every value does.
 */
export const MAP_KEYS: ReadonlySet<string> = new Set<LongKey>(['headers']);

function inverse(table: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(table).map(([long, short]) => [short, long]));
}

/** Short key → long key. */
export const LONG_KEYS: ReadonlyMap<string, string> = inverse(COMPACT_KEYS);
/** Short `type` value → long `type` value. */
export const LONG_TYPES: ReadonlyMap<string, string> = inverse(COMPACT_TYPES);
