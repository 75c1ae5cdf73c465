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
