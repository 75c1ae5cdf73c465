/** Limits the protocol sets; `maxMessageChars` comes from `MAX_MESSAGE_CHARS`. */
export interface ChatLimits {
  /** Longest `content`, in characters (Unicode code points). Default 4000. */
  maxMessageChars: number;
  /** How many recent messages per room the cache keeps. */
  recentWindow: number;
}

export const DEFAULT_LIMITS: ChatLimits = { maxMessageChars: 4000, recentWindow: 100 };

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

/** The `online` list of a `join_room` reply: at most this many user ids... */
export const ONLINE_LIST_MAX_USERS = 100;
/** ...and at most this many bytes of JSON, so one message always fits beside them. */
export const ONLINE_LIST_MAX_BYTES = 16 * 1024;
