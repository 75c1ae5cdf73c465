/** The record: rooms, membership and messages in PostgreSQL. */
import type { Pool } from 'pg';
import { ChatError } from '../../core/errors.js';
import { storedAttachment, unlinked } from '../../core/files.js';
import { DM_PREFIX } from '../../core/governance.js';
import type { Message, StoredAttachment } from '../../core/message.js';
import type {
  HistoryPage,
  HistoryQuery,
  MessageChange,
  MessageDeletion,
  MessageEdit,
  MessageStore,
  NewMessage,
  OwnReaction,
  ReactionChange,
  ReactionResult,
  ReadCursor,
  ReadMark,
  SearchPage,
  SearchQuery,
} from '../../core/ports.js';
import { randomSlice } from '../../shared/entropy.js';
import { uuidV7 } from '../../shared/uuid-v7.js';
import { guarded, refusalOf, sqlState, UNIQUE_VIOLATION } from './errors.js';
import { deleteMessageRow, deleteSql, editMessageRow, editSql } from './message-changes.js';
import { reactionsByUser, reactRow } from './reactions.js';
import { markReadRow } from './read-cursor.js';
import { searchPage } from './search.js';
import { threadPage } from './threads.js';

export interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  user_id: string;
  content: string;
  client_msg_id: string | null;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  reply_to: string | null;
  mentions: string[] | null;
  /** The counts per emoji, in the order each emoji was first used (migration 6). */
  reactions: { emoji: string; count: number }[] | null;
  /** Changes since the send (edits, the delete, reactions): orders cached states. */
  rev: number;
  /** What the message carries, without links (migration 7). */
  attachments: StoredAttachment[] | null;
}

export const MESSAGE_COLUMNS =
  'id, room_id, seq, user_id, content, client_msg_id, created_at, edited_at, deleted_at, ' +
  'reply_to, mentions, reactions, rev, attachments';

/** MESSAGE_COLUMNS of the search's `msg` (search.ts joins messages to rooms and members). */
export const SEARCH_COLUMNS = MESSAGE_COLUMNS.split(', ')
  .map((column) => `msg.${column}`)
  .join(', ');

export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    userId: row.user_id,
    content: row.content,
    createdAt: row.created_at.toISOString(),
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  if (row.edited_at !== null) message.editedAt = row.edited_at.toISOString();
  if (row.deleted_at !== null) message.deleted = true;
  if (row.reply_to !== null) message.replyTo = Number(row.reply_to);
  if (row.mentions !== null && row.mentions.length > 0) message.mentions = row.mentions;
  if (row.reactions !== null && row.reactions.length > 0) {
    // `me` is the reader's: the record holds counts; readers mark their own (see history).
    message.reactions = row.reactions.map(({ emoji, count }) => ({ emoji, count, me: false }));
  }
  if (row.rev > 0) message.rev = row.rev;
  if (row.attachments !== null && row.attachments.length > 0) {
    message.attachments = row.attachments.map(unlinked);
  }
  return message;
}

/**
 * One statement: bump the room's last_seq and insert the message with it (the function
 * from migration 4). The row lock on the room orders concurrent senders and the statement
 * commits or fails as one, so seqs have no gaps. It is kept this plain on purpose: a
 * version that also looked up a retried send's earlier copy cost half as much again in
 * backend CPU, and a function's plan is kept where a plain statement's is not
 * (docs/decisions/2026-12-06-send-path-costs.md). Retries take the slower path below instead.
 * The id is made here and only seq and created_at come back: the rest is already known.
 * Migration 7's overload adds the attachments (JSON, or NULL): still one statement.
 */
const APPEND_SQL = 'SELECT seq, created_at FROM append_message($1, $2, $3, $4, $5, $6, $7, $8)';

/** The message a send with this clientMsgId already stored. */
const STORED_SQL = `
  SELECT ${MESSAGE_COLUMNS} FROM messages
  WHERE room_id = $1 AND user_id = $2 AND client_msg_id = $3`;

/** The unique key that makes a retried send (same user, room, clientMsgId) store once. */
const CLIENT_MSG_ID_KEY = 'messages_room_id_user_id_client_msg_id_key';

function isRetriedSend(error: unknown): boolean {
  return (
    sqlState(error) === UNIQUE_VIOLATION &&
    (error as { constraint?: unknown }).constraint === CLIENT_MSG_ID_KEY
  );
}

const EDIT_SQL = editSql(MESSAGE_COLUMNS);
const DELETE_SQL = deleteSql(MESSAGE_COLUMNS);

/**
 * One statement: create the room (public, the creator its owner) if it is new, add the
 * user as a member of a public room, and report what stops them (a ban in force, a private
 * room) and their read cursor. A new member's cursor starts at the room's last seq: what
 * was said before they joined is history, not unread (as Slack treats a channel joined).
 * A DM's id is never created here: only `open_dm` makes those rooms.
 */
const JOIN_SQL = `
  WITH new_room AS (
    INSERT INTO rooms (id, created_by) SELECT $1, $2 WHERE left($1, 3) <> 'dm_'
    ON CONFLICT (id) DO NOTHING
    RETURNING id, visibility, last_seq
  ), room AS (
    SELECT id, visibility, last_seq, true AS created FROM new_room
    UNION ALL
    SELECT id, visibility, last_seq, false AS created FROM rooms WHERE id = $1
  ), member AS (
    SELECT role, read_seq, banned_at IS NOT NULL AND (banned_until IS NULL OR banned_until > now())
      AS banned
    FROM room_members WHERE room_id = $1 AND user_id = $2
  ), joined AS (
    INSERT INTO room_members (room_id, user_id, role, read_seq)
    SELECT $1, $2, CASE WHEN room.created THEN 'owner' ELSE 'member' END, room.last_seq
    FROM room
    WHERE (room.visibility = 'public' OR room.created) AND NOT EXISTS (SELECT 1 FROM member)
    ON CONFLICT DO NOTHING
    RETURNING role
  )
  SELECT room.visibility, room.last_seq, member.role, coalesce(member.banned, false) AS banned,
         coalesce(member.read_seq, room.last_seq) AS read_seq,
         (SELECT count(*) FROM joined)::int AS joined
  FROM room LEFT JOIN member ON true
  LIMIT 1`;

interface JoinRow {
  visibility: string;
  last_seq: string;
  role: string | null;
  banned: boolean;
  read_seq: string;
  joined: number;
}

export class PostgresMessageStore implements MessageStore {
  constructor(private readonly pool: Pool) {}

  async joinRoom(roomId: string, userId: string): Promise<ReadCursor> {
    // A room or member row created by a concurrent join is invisible to this statement's
    // snapshot (ON CONFLICT waited for it to commit); the second attempt sees it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { rows } = await guarded(() => this.pool.query<JoinRow>(JOIN_SQL, [roomId, userId]));
      const row = rows[0];
      if (!row) continue;
      if (row.banned) throw new ChatError('forbidden', `You are banned from ${roomId}`);
      if (row.role === null && row.joined === 0) {
        // A public room that did not take the member row: the same user's concurrent join
        // inserted it after this statement's snapshot. The retry sees it.
        if (row.visibility === 'public') continue;
        throw new ChatError('forbidden', `Room ${roomId} is private`);
      }
      return { lastSeq: Number(row.last_seq), readSeq: Number(row.read_seq) };
    }
    if (roomId.startsWith(DM_PREFIX)) {
      throw new ChatError('not_found', `No direct message ${roomId}: open one with open_dm`);
    }
    throw new ChatError('conflict', `Joining ${roomId} raced another join; retry`);
  }

  async appendMessage(input: NewMessage): Promise<{ message: Message; duplicate: boolean }> {
    const { roomId, userId, clientMsgId } = input;
    const attachments = input.attachments?.length ? input.attachments.map(storedAttachment) : null;
    const id = uuidV7(Date.now(), randomSlice(16));
    try {
      const { rows } = await guarded(() =>
        this.pool.query<Pick<MessageRow, 'seq' | 'created_at'>>(APPEND_SQL, [
          roomId,
          userId,
          input.content,
          clientMsgId ?? null,
          id,
          input.replyTo ?? null,
          input.mentions?.length ? input.mentions : null,
          attachments ? JSON.stringify(attachments) : null,
        ]),
      );
      const row = rows[0];
      if (!row) throw new ChatError('not_found', `Room ${roomId} does not exist`);
      const stored: MessageRow = {
        ...row,
        id,
        room_id: roomId,
        user_id: userId,
        content: input.content,
        client_msg_id: clientMsgId ?? null,
        edited_at: null,
        deleted_at: null,
        reply_to: input.replyTo === undefined ? null : String(input.replyTo),
        mentions: input.mentions?.length ? input.mentions : null,
        reactions: null,
        rev: 0,
        attachments,
      };
      return { message: toMessage(stored), duplicate: false };
    } catch (error) {
      if (clientMsgId === undefined || !isRetriedSend(error)) throw refusalOf(error) ?? error;
    }
    // A retried send. Its statement failed whole, seq bump included; the unique check
    // waited for the first copy's commit (a concurrent twin too), so that copy is readable.
    const { rows } = await guarded(() =>
      this.pool.query<MessageRow>(STORED_SQL, [roomId, userId, clientMsgId]),
    );
    const row = rows[0];
    if (!row) throw new ChatError('conflict', 'Concurrent duplicate send; retry');
    return { message: toMessage(row), duplicate: true };
  }

  markRead(roomId: string, userId: string, seq: number): Promise<ReadMark> {
    return markReadRow(this.pool, roomId, userId, seq);
  }

  editMessage(edit: MessageEdit): Promise<MessageChange> {
    return editMessageRow(this.pool, EDIT_SQL, toMessage, edit);
  }

  deleteMessage(deletion: MessageDeletion): Promise<MessageChange> {
    return deleteMessageRow(this.pool, DELETE_SQL, toMessage, deletion);
  }

  react(change: ReactionChange): Promise<ReactionResult> {
    return reactRow(this.pool, MESSAGE_COLUMNS, toMessage, change);
  }

  reactionsBy(roomId: string, userId: string, seqs: readonly number[]): Promise<OwnReaction[]> {
    return reactionsByUser(this.pool, roomId, userId, seqs);
  }

  thread(
    roomId: string,
    seq: number,
    query: { after?: number; limit: number },
  ): Promise<HistoryPage> {
    return threadPage(this.pool, MESSAGE_COLUMNS, toMessage, roomId, seq, query);
  }

  async history(roomId: string, query: HistoryQuery): Promise<HistoryPage> {
    const take = query.limit + 1;
    const forward = query.after !== undefined;
    // The room's first seq comes in the same statement (one snapshot), so a reply never
    // says history starts later than a message it carries; an empty page still has it.
    const { rows } = await guarded(() =>
      this.pool.query<Partial<MessageRow> & { first_seq: string }>(
        `SELECT r.first_seq, m.* FROM rooms r
         LEFT JOIN LATERAL (
           SELECT ${MESSAGE_COLUMNS} FROM messages
           WHERE room_id = r.id AND ${forward ? 'seq > $2' : 'seq < $2'}
           ORDER BY seq ${forward ? 'ASC' : 'DESC'} LIMIT $3
         ) m ON true
         WHERE r.id = $1`,
        [roomId, forward ? query.after : (query.before ?? Number.MAX_SAFE_INTEGER), take],
      ),
    );
    const found = rows.filter((r): r is MessageRow & { first_seq: string } => r.id != null);
    const kept = found.slice(0, query.limit).map(toMessage);
    const page: HistoryPage = {
      messages: forward ? kept : kept.reverse(),
      hasMore: found.length > query.limit,
    };
    const firstSeq = Number(rows[0]?.first_seq ?? 1);
    // Absent means 1 (ports.ts): pages of rooms that never purged look as before.
    return firstSeq > 1 ? { ...page, firstSeq } : page;
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    return searchPage<MessageRow>(this.pool, SEARCH_COLUMNS, toMessage, query);
  }

  async latest(
    roomId: string,
    limit: number,
  ): Promise<{ messages: Message[]; lastSeq: number; firstSeq?: number }> {
    const { rows } = await guarded(() =>
      this.pool.query<Partial<MessageRow> & { last_seq: string; first_seq: string }>(
        `SELECT r.last_seq, r.first_seq, m.* FROM rooms r
         LEFT JOIN LATERAL (
           SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = r.id ORDER BY seq DESC LIMIT $2
         ) m ON true
         WHERE r.id = $1`,
        [roomId, limit],
      ),
    );
    const lastSeq = Number(rows[0]?.last_seq ?? 0);
    const messages = rows
      .filter((r): r is MessageRow & { last_seq: string; first_seq: string } => r.id != null)
      .map(toMessage)
      .reverse();
    const firstSeq = Number(rows[0]?.first_seq ?? 1);
    return firstSeq > 1 ? { messages, lastSeq, firstSeq } : { messages, lastSeq };
  }
}
