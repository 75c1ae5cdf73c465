/**
 * Erasing a user, start to finish: memberships (rooms handed on, the rows naming them as
 * mentioned go too), their reactions taken back (others' counts fixed), then their
 * messages as tombstones chunk by chunk (each chunk's attachments' objects deleted from the
 * bucket before its tombstones are written), each chunk's rooms' cached windows dropped as it commits,
 * then their status item in the connections table and its cached copy, then the closing
 * audit record. Run by `npm run erase-user` and the erase-user Lambda.
 * Safe to run again: a second run changes nothing a first one finished.
 */
import { attachmentObjectKeys } from '../core/files.js';
import type { ConnectionStore, FileStore, PresenceCache, RoomCache } from '../core/ports.js';
import type {
  ErasedAttachment,
  MembershipErasure,
  PostgresErasureStore,
} from '../stores/postgres/erasure-store.js';
import type { ScanCursor } from '../stores/postgres/message-scan.js';

export interface EraseOptions {
  /** Who asked (an operator's id); recorded as the audit entries' actor. */
  actorId: string;
  /** Messages (of anyone) one statement scans at most. */
  chunkRows: number;
  /** Resume the message scan here (a run that stopped said where). */
  from?: ScanCursor;
  /** Asked between chunks: true stops (a Lambda near its timeout); resume from `resumeFrom`. */
  shouldStop?: () => boolean;
}

export interface EraseReport {
  userId: string;
  memberships: MembershipErasure;
  messagesErased: number;
  /** Attachments those messages carried. */
  attachmentsErased: number;
  /** Objects deleted from the bucket (uploads and thumbnails); 0 without object storage. */
  objectsDeleted: number;
  /** Rooms that had messages of theirs made tombstones by this run. */
  rooms: string[];
  done: boolean;
  /** When not done: pass as `from` to the next run. */
  resumeFrom?: ScanCursor;
}

export interface EraseDeps {
  store: Pick<
    PostgresErasureStore,
    'eraseMemberships' | 'eraseReactions' | 'eraseMessages' | 'recordErasure'
  >;
  cache: Pick<RoomCache, 'forgetRecentMessages'>;
  /** The connections table, which keeps the user's status and `lastSeen` between connections. */
  connections: Pick<ConnectionStore, 'forgetUserState'>;
  /** The presence cache, which holds a copy of their status. */
  presence: Pick<PresenceCache, 'forgetStatus'>;
  /**
   * The attachments' bucket. Without it (no object storage configured) the objects stay:
   * the caller says so; the record is erased all the same.
   */
  files?: Pick<FileStore, 'deleteObjects'>;
}

export async function eraseUser(
  deps: EraseDeps,
  userId: string,
  options: EraseOptions,
): Promise<EraseReport> {
  // First, so the user can no longer send (a send needs a member row) while the scan runs.
  const memberships = await deps.store.eraseMemberships(userId, options.actorId);
  const rooms = new Set<string>();
  // Their reactions on others' messages: bounded batches until none is left (a rerun
  // finds none). Each batch's rooms lose their windows, which held the old counts.
  for (;;) {
    const batch = await deps.store.eraseReactions(userId, options.chunkRows);
    for (const roomId of batch.rooms) await deps.cache.forgetRecentMessages(roomId);
    if (batch.rooms.length === 0) break;
  }
  let messagesErased = 0;
  let attachmentsErased = 0;
  let objectsDeleted = 0;
  const { files } = deps;
  // Before the chunk's tombstones, which clear `attachments`: a failure here leaves the
  // messages (and so the keys) for the rerun to find.
  const deleteObjects =
    files &&
    (async (attachments: ErasedAttachment[]) => {
      const keys = attachments.flatMap((a) => attachmentObjectKeys(a.roomId, a));
      await files.deleteObjects(keys);
      objectsDeleted += keys.length;
    });
  let from = options.from;
  const report = (done: boolean): EraseReport => ({
    userId,
    memberships,
    messagesErased,
    attachmentsErased,
    objectsDeleted,
    rooms: [...rooms],
    done,
  });
  for (;;) {
    const chunk = await deps.store.eraseMessages(userId, from, options.chunkRows, deleteObjects);
    messagesErased += chunk.erased;
    attachmentsErased += chunk.attachments;
    // A window that holds an erased message must not serve it: dropped, it is rebuilt
    // from the record (tombstones) on the next read.
    for (const roomId of chunk.rooms) {
      await deps.cache.forgetRecentMessages(roomId);
      rooms.add(roomId);
    }
    from = chunk.next;
    if (from === undefined) break;
    if (options.shouldStop?.()) return { ...report(false), resumeFrom: from };
  }
  // Last, so that the closing audit record means all of it went. The durable item before
  // its copy: a status read between the two would otherwise cache the item again.
  await deps.connections.forgetUserState(userId);
  await deps.presence.forgetStatus(userId);
  await deps.store.recordErasure(userId, options.actorId, {
    messagesErased,
    attachmentsErased,
    objectsDeleted,
    rooms: rooms.size,
    roomsLeft: memberships.left.length,
    handedOver: memberships.handedOver,
  });
  return report(true);
}
