/**
 * Node's error codes for a server that cannot be reached or dropped the connection: the
 * store is unavailable (retry later), whichever client raised them.
 */
export const UNAVAILABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
