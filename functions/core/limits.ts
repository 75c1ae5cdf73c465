import { MAX_MESSAGE_BYTES } from '../../protocol/frame-limits.js';

/** Limits the protocol sets; their defaults and variables are in `LIMITS` below. */
export interface ChatLimits {
  /** Longest `content`, in characters (Unicode code points). Default 4000. */
  maxMessageChars: number;
  /** How many recent messages per room the cache keeps. */
  recentWindow: number;
  /**
   * Audiences up to this many connections are posted by the invocation that made the
   * frame; bigger ones go through the fan-out queue in slices (docs/capacity.md).
   */
  inlineFanoutMax: number;
  /** Connections per queued delivery job. */
  fanoutSliceSize: number;
  /** Failed tries of a delivery before it is dead-lettered. */
  deliveryMaxAttempts: number;
  /**
   * Rooms with more connections than this hear `presence_count` at a bounded rate
   * instead of a `presence` frame for every user who comes or goes.
   */
  presenceFullMax: number;
  /** The shortest period between two `presence_count` frames to one room, in seconds. */
  presenceCountMinSeconds: number;
  /**
   * Posts per second one room's `presence_count` may cost: a bigger room hears it less
   * often (a room of 100,000 at 500/s: every 200 s).
   */
  presenceCountPostsPerSecond: number;
  /** At most this many user ids in a `join_room` reply's `online`. */
  onlineListMax: number;
  /**
   * Rooms with more connections than this get no `read` receipts: every reader's receipt
   * to every member is readers x members posts per message (docs/protocol.md, "Read state").
   */
  receiptsMaxMembers: number;
  /** At most one `read` receipt per user and room in this many milliseconds. */
  receiptThrottleMs: number;
  // Rate limits (core/rate-limits.ts): token buckets, each refilled at `...Rate` tokens a
  // second up to `...Burst`; one token a frame. Per user (all their connections) and per
  // connection, for every frame, for sends, and for joins (join_room, create_room, open_dm).
  frameRatePerUser: number;
  frameBurstPerUser: number;
  frameRatePerConnection: number;
  frameBurstPerConnection: number;
  sendRatePerUser: number;
  sendBurstPerUser: number;
  sendRatePerConnection: number;
  sendBurstPerConnection: number;
  joinRatePerUser: number;
  joinBurstPerUser: number;
  joinRatePerConnection: number;
  joinBurstPerConnection: number;
  /** Rooms one connection may have joined at once; a join beyond is `forbidden`. */
  maxRoomsPerConnection: number;
  /** Live connections one user may have; `$connect` refuses one more (core/connection-cap.ts). */
  maxConnectionsPerUser: number;
  /** Rooms with more connections than this are not told who is typing. */
  typingMaxMembers: number;
  /** A user's typing `start` in a room is relayed at most once per this many ms. */
  typingThrottleMs: number;
  /**
   * A connection that has sent nothing (not even `ping`) for this many seconds counts as
   * gone: `$disconnect` is best effort on AWS (core/liveness.ts).
   */
  presenceTtlSec: number;
  /** Largest file `request_upload` signs, in bytes; a bigger one is `payload_too_large`. */
  maxUploadBytes: number;
  /** How long a signed upload (PUT) stays valid, in seconds. */
  uploadUrlSeconds: number;
  /** How long an attachment's signed download links stay valid, in seconds. */
  downloadUrlSeconds: number;
}

/** One limit: its default, and the environment variable that sets it, if any. */
export interface LimitRow {
  default: number;
  env?: string;
}

/**
 * The one table of the chat core's limits: each default, and the variable that overrides
 * it. runtime/config.ts reads the variables from it, and a test holds the docs' tables of
 * variables to it (and to config.ts's other defaults).
 */
export const LIMITS = {
  maxMessageChars: { default: 4000, env: 'MAX_MESSAGE_CHARS' },
  recentWindow: { default: 100 },
  inlineFanoutMax: { default: 100, env: 'FANOUT_INLINE_MAX' },
  fanoutSliceSize: { default: 100 },
  deliveryMaxAttempts: { default: 6 },
  presenceFullMax: { default: 200, env: 'PRESENCE_FULL_MAX' },
  presenceCountMinSeconds: { default: 5, env: 'PRESENCE_COUNT_MIN_SECONDS' },
  presenceCountPostsPerSecond: { default: 500 },
  onlineListMax: { default: 100 },
  receiptsMaxMembers: { default: 100, env: 'RECEIPTS_MAX_MEMBERS' },
  receiptThrottleMs: { default: 1000, env: 'RECEIPT_THROTTLE_MS' },
  // A reconnect rejoins every room at once: the join and frame bursts cover
  // `maxRoomsPerConnection` joins, then a steady pace.
  frameRatePerUser: { default: 50, env: 'FRAME_RATE_PER_USER' },
  frameBurstPerUser: { default: 300, env: 'FRAME_BURST_PER_USER' },
  frameRatePerConnection: { default: 20, env: 'FRAME_RATE_PER_CONNECTION' },
  frameBurstPerConnection: { default: 150, env: 'FRAME_BURST_PER_CONNECTION' },
  sendRatePerUser: { default: 10, env: 'SEND_RATE_PER_USER' },
  sendBurstPerUser: { default: 40, env: 'SEND_BURST_PER_USER' },
  sendRatePerConnection: { default: 5, env: 'SEND_RATE_PER_CONNECTION' },
  sendBurstPerConnection: { default: 20, env: 'SEND_BURST_PER_CONNECTION' },
  joinRatePerUser: { default: 20, env: 'JOIN_RATE_PER_USER' },
  joinBurstPerUser: { default: 200, env: 'JOIN_BURST_PER_USER' },
  joinRatePerConnection: { default: 10, env: 'JOIN_RATE_PER_CONNECTION' },
  joinBurstPerConnection: { default: 100, env: 'JOIN_BURST_PER_CONNECTION' },
  maxRoomsPerConnection: { default: 100, env: 'MAX_ROOMS_PER_CONNECTION' },
  maxConnectionsPerUser: { default: 20, env: 'MAX_CONNECTIONS_PER_USER' },
  typingMaxMembers: { default: 100, env: 'TYPING_MAX_MEMBERS' },
  typingThrottleMs: { default: 2000 },
  presenceTtlSec: { default: 300, env: 'PRESENCE_TTL_SEC' },
  // Files (protocol v2): 25 MiB is Discord's free-tier cap; the upload link is short, the
  // PUT must start within it; download links outlive a page's reading, not a session.
  maxUploadBytes: { default: 25 * 1024 * 1024, env: 'UPLOAD_MAX_BYTES' },
  uploadUrlSeconds: { default: 300, env: 'UPLOAD_URL_SECONDS' },
  downloadUrlSeconds: { default: 900, env: 'DOWNLOAD_URL_SECONDS' },
} as const satisfies Record<keyof ChatLimits, LimitRow>;

type LimitName = keyof typeof LIMITS;

/** The limits an environment variable sets, and their variables. */
export type EnvLimitName = {
  [K in LimitName]: (typeof LIMITS)[K] extends { env: string } ? K : never;
}[LimitName];
export type LimitEnvName = (typeof LIMITS)[EnvLimitName]['env'];

export const DEFAULT_LIMITS: ChatLimits = Object.fromEntries(
  Object.entries(LIMITS).map(([name, row]) => [name, row.default]),
) as Record<LimitName, number>;

/** The limits with a variable, in the table's order. */
export const ENV_LIMITS = (Object.keys(LIMITS) as LimitName[]).filter(
  (name): name is EnvLimitName => 'env' in LIMITS[name],
);

/**
 * Receivers drop a typer this long after their last `start` (protocol v2): the clients'
 * timer, since a Lambda keeps none; the server's throttle key lasts as long.
 */
export const TYPING_EXPIRY_MS = 10_000;

/**
 * How long a connection's records live: API Gateway closes every connection at 2 hours;
 * keep them 10 minutes longer (the connections table's TTL, the heartbeat keys).
 */
export const CONNECTION_TTL_MS = (2 * 3600 + 600) * 1000;

export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;
export const ID_MAX_CHARS = 64;
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Longest user id (the token's `sub`): OpenID Connect Core caps `sub` at 255 characters.
 * A bound is what lets every frame that names a user fit 128 KB; longer is refused at the
 * handshake.
 */
export const USER_ID_MAX_CHARS = 255;

/**
 * The most distinct emoji one message may carry (Discord's cap; Slack's is 23): a new emoji
 * beyond it is refused. Not tunable: it bounds what a message weighs in a reply, so
 * `MAX_MESSAGE_CHARS`'s ceiling is computed with it (core/reply-budget.ts).
 */
export const REACTIONS_MAX_PER_MESSAGE = 20;

/** API Gateway's limit on one message posted to a connection (PostToConnection). */
export const REPLY_MAX_BYTES = MAX_MESSAGE_BYTES;

/** Room left under `REPLY_MAX_BYTES` for what a reply's exact measure cannot foresee. */
export const REPLY_SAFETY_BYTES = 1024;

/**
 * The `online` list of a `join_room` reply: at most `onlineListMax` user ids and at most
 * this many bytes of JSON, so one message always fits beside them.
 */
export const ONLINE_LIST_MAX_BYTES = 16 * 1024;
