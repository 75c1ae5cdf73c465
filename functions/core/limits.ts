/** Limits the protocol sets; `maxMessageChars` comes from `MAX_MESSAGE_CHARS`. */
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
}

export const DEFAULT_LIMITS: ChatLimits = {
  maxMessageChars: 4000,
  recentWindow: 100,
  inlineFanoutMax: 100,
  fanoutSliceSize: 100,
  deliveryMaxAttempts: 6,
  presenceFullMax: 200,
  presenceCountMinSeconds: 5,
  presenceCountPostsPerSecond: 500,
  onlineListMax: 100,
};

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

/** API Gateway's limit on one message posted to a connection (PostToConnection). */
export const REPLY_MAX_BYTES = 128 * 1024;

/** Room left under `REPLY_MAX_BYTES` for what a reply's exact measure cannot foresee. */
export const REPLY_SAFETY_BYTES = 1024;

/**
 * The `online` list of a `join_room` reply: at most `onlineListMax` user ids and at most
 * this many bytes of JSON, so one message always fits beside them.
 */
export const ONLINE_LIST_MAX_BYTES = 16 * 1024;
