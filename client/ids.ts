/**
 * Time-ordered ids for `clientMsgId`: a UUIDv7 (RFC 9562). The server keeps
 * `(room, user, clientMsgId)` unique in a B-tree index, where ids that grow with time are
 * much cheaper to insert than random ones (see the shared implementation for the numbers).
 */
import { uuidV7 } from '../functions/shared/uuid-v7.js';

export function timeOrderedId(now: number = Date.now()): string {
  return uuidV7(now);
}
