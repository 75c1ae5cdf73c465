/**
 * Rooms and membership as protocol v2 governs them, in PostgreSQL. Each change is one
 * transaction that locks the rows its rule reads, runs the core's rule
 * (core/governance.ts), writes, and records the action in `audit_log`.
 */
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { ChatError } from '../../core/errors.js';
import {
  authorizeMemberChange,
  authorizeRoomUpdate,
  DM_PREFIX,
  type MemberChange,
} from '../../core/governance.js';
import type { NewRoom, PageQuery, RoomPatch, RoomStore } from '../../core/ports.js';
import { withMine } from '../../core/reactions.js';
import type { Member, Room, RoomSummary } from '../../core/room.js';
import { guarded, sqlState, UNIQUE_VIOLATION } from './errors.js';
import { MESSAGE_COLUMNS, type MessageRow, toMessage } from './message-store.js';
import {
  decodeCursor,
  encodeCursor,
  MEMBER_COLUMNS,
  type MemberRow,
  NOT_BANNED,
  ROOM_COLUMNS,
  type RoomRow,
  toMember,
  toRoom,
} from './room-rows.js';
import { inTransaction } from './transaction.js';

type Queryable = Pick<Pool, 'query'> | PoolClient;

/** The DM room of two users: the same id for the pair in either order. */
export function dmRoomId(userId: string, otherId: string): string {
  const pair = [userId, otherId].sort().join('\u0000');
  return DM_PREFIX + createHash('sha256').update(pair).digest('base64url');
}

async function readRoom(db: Queryable, roomId: string): Promise<Room | undefined> {
  const { rows } = await db.query<RoomRow>(`SELECT ${ROOM_COLUMNS} FROM rooms r WHERE r.id = $1`, [
    roomId,
  ]);
  return rows[0] && toRoom(rows[0]);
}

async function audit(
  db: Queryable,
  entry: { roomId: string; actorId: string; action: string; targetId?: string; detail?: object },
): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (room_id, actor_id, action, target_id, detail) VALUES ($1, $2, $3, $4, $5)',
    [entry.roomId, entry.actorId, entry.action, entry.targetId ?? null, entry.detail ?? {}],
  );
}

/** What each member change writes; `$1` room, `$2` target, then the change's own values. */
const MEMBER_WRITES: Record<MemberChange['action'], string> = {
  add: `INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, $3)
        ON CONFLICT (room_id, user_id) DO NOTHING`,
  remove: 'DELETE FROM room_members WHERE room_id = $1 AND user_id = $2',
  set_role: 'UPDATE room_members SET role = $3 WHERE room_id = $1 AND user_id = $2',
  // A ban keeps (or makes) the row, so it outlives the membership it ends; the banned
  // user's role drops to member, so an expired or lifted ban does not hand back power.
  ban: `INSERT INTO room_members AS m (room_id, user_id, role, banned_at, banned_until, ban_reason)
        VALUES ($1, $2, 'member', now(), $3, $4)
        ON CONFLICT (room_id, user_id) DO UPDATE SET role = 'member', banned_at = now(),
          banned_until = $3, ban_reason = $4, muted_at = NULL, muted_until = NULL`,
  unban: `UPDATE room_members SET banned_at = NULL, banned_until = NULL, ban_reason = NULL
          WHERE room_id = $1 AND user_id = $2`,
  mute: `UPDATE room_members SET muted_at = now(), muted_until = $3
         WHERE room_id = $1 AND user_id = $2`,
  unmute: `UPDATE room_members SET muted_at = NULL, muted_until = NULL
           WHERE room_id = $1 AND user_id = $2`,
};

function writeValues(change: MemberChange): unknown[] {
  const base = [change.roomId, change.userId];
  switch (change.action) {
    case 'add':
      return [...base, change.role ?? 'member'];
    case 'set_role':
      return [...base, change.role];
    case 'ban':
      return [...base, change.until ?? null, change.reason ?? null];
    case 'mute':
      return [...base, change.until ?? null];
    default:
      return base;
  }
}

export class PostgresRoomStore implements RoomStore {
  constructor(private readonly pool: Pool) {}

  async createRoom(input: NewRoom): Promise<Room> {
    if (input.roomId.startsWith(DM_PREFIX)) {
      throw new ChatError('bad_request', `Room ids starting ${DM_PREFIX} are for direct messages`);
    }
    try {
      return await inTransaction(this.pool, async (db) => {
        await db.query(
          `INSERT INTO rooms (id, name, visibility, encrypted, created_by)
           VALUES ($1, $2, $3, $4, $5)`,
          [input.roomId, input.name ?? null, input.visibility, input.encrypted, input.createdBy],
        );
        await db.query(
          `INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'owner')`,
          [input.roomId, input.createdBy],
        );
        await audit(db, {
          roomId: input.roomId,
          actorId: input.createdBy,
          action: 'create_room',
          detail: { visibility: input.visibility, encrypted: input.encrypted },
        });
        return (await readRoom(db, input.roomId))!;
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw new ChatError('conflict', `Room ${input.roomId} already exists`);
      }
      throw error;
    }
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    return guarded(() => readRoom(this.pool, roomId));
  }

  async getMember(roomId: string, userId: string): Promise<Member | undefined> {
    const { rows } = await guarded(() =>
      this.pool.query<MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM room_members m WHERE m.room_id = $1 AND m.user_id = $2`,
        [roomId, userId],
      ),
    );
    return rows[0] && toMember(rows[0]);
  }

  async listMembers(
    roomId: string,
    page: PageQuery,
  ): Promise<{ members: Member[]; cursor?: string }> {
    const after = page.cursor === undefined ? '' : String(decodeCursor(page.cursor, 1)[0]);
    const { rows } = await guarded(() =>
      this.pool.query<MemberRow & { read_seq: string }>(
        `SELECT ${MEMBER_COLUMNS}, m.read_seq FROM room_members m
         WHERE m.room_id = $1 AND ${NOT_BANNED} AND m.user_id > $2
         ORDER BY m.user_id LIMIT $3`,
        [roomId, after, page.limit + 1],
      ),
    );
    // Each member's read cursor, for "seen by": the row is read anyway, so it costs a few
    // bytes a member and no query (docs/protocol.md, "Read state (v2)").
    const members = rows
      .slice(0, page.limit)
      .map((row) => ({ ...toMember(row), readSeq: Number(row.read_seq) }));
    const last = members.at(-1);
    return rows.length > page.limit && last
      ? { members, cursor: encodeCursor([last.userId]) }
      : { members };
  }

  async listRooms(
    userId: string,
    page: PageQuery,
  ): Promise<{ rooms: RoomSummary[]; cursor?: string }> {
    // Newest activity first: the last message's time, or the room's for one without any.
    // The position is microseconds since the epoch and the room id, compared as a pair.
    const position = page.cursor === undefined ? undefined : decodeCursor(page.cursor, 2);
    const [atUs, afterId] = position ?? [Number.MAX_SAFE_INTEGER, ''];
    if (typeof atUs !== 'number' || typeof afterId !== 'string') {
      throw new ChatError('bad_request', 'cursor is not one this server gave');
    }
    type Row = RoomRow & {
      role: string;
      activity_us: string;
      read_seq: string;
      unread_mentions: number;
      lm_mine: string[] | null;
    } & Partial<PrefixedMessage>;
    // The mention count is taken only for the page's rooms (outside the LIMIT), each an
    // index range of (room, user, seq > read_seq).
    const { rows } = await guarded(() =>
      this.pool.query<Row>(
        `SELECT p.*, (
           SELECT count(*)::int FROM message_mentions mm
           JOIN messages x ON x.room_id = mm.room_id AND x.seq = mm.seq
           WHERE mm.room_id = p.id AND mm.user_id = $1 AND mm.seq > p.read_seq
             AND x.deleted_at IS NULL
         ) AS unread_mentions,
         -- The caller's own reactions on the last message (its me), looked up only for the
         -- rooms whose last message has reactions: by key on reactions_viewer.
         CASE WHEN p.lm_reactions IS NOT NULL THEN array(
           SELECT emoji FROM reactions x
            WHERE x.room_id = p.id AND x.user_id = $1 AND x.seq = p.lm_seq
         ) END AS lm_mine
         FROM (SELECT * FROM (
           SELECT ${ROOM_COLUMNS}, m.role, m.read_seq,
             (extract(epoch FROM coalesce(lm.created_at, r.created_at)) * 1000000)::bigint
               AS activity_us,
             ${PREFIXED_MESSAGE_COLUMNS}
           FROM room_members m
           JOIN rooms r ON r.id = m.room_id
           LEFT JOIN messages lm ON lm.room_id = r.id AND lm.seq = r.last_seq
           WHERE m.user_id = $1 AND ${NOT_BANNED}
         ) t
         WHERE (t.activity_us, t.id) < ($2::bigint, $3)
            OR ($3 = '' AND t.activity_us = $2::bigint)
         ORDER BY t.activity_us DESC, t.id DESC
         LIMIT $4) p
         ORDER BY p.activity_us DESC, p.id DESC`,
        [userId, atUs, afterId === '' ? '\u{10FFFF}' : afterId, page.limit + 1],
      ),
    );
    const rooms = rows.slice(0, page.limit).map((row): RoomSummary => {
      const room = toRoom(row);
      const readSeq = Number(row.read_seq);
      const summary: RoomSummary = {
        ...room,
        role: row.role as RoomSummary['role'],
        readSeq,
        unread: Math.max(0, room.lastSeq - readSeq),
        unreadMentions: row.unread_mentions,
      };
      const message = unprefixMessage(row);
      if (message) summary.lastMessage = withMine(toMessage(message), row.lm_mine ?? []);
      return summary;
    });
    const last = rows[page.limit - 1];
    return rows.length > page.limit && last
      ? { rooms, cursor: encodeCursor([Number(last.activity_us), last.id]) }
      : { rooms };
  }

  async updateRoom(roomId: string, actorId: string, patch: RoomPatch): Promise<Room> {
    return inTransaction(this.pool, async (db) => {
      // The row lock orders this against other updates; sends wait on it for one statement.
      const { rows } = await db.query<RoomRow>(
        `SELECT ${ROOM_COLUMNS} FROM rooms r WHERE r.id = $1 FOR UPDATE`,
        [roomId],
      );
      if (!rows[0]) throw new ChatError('not_found', `Room ${roomId} does not exist`);
      const room = toRoom(rows[0]);
      const actor = await memberIn(db, roomId, actorId);
      authorizeRoomUpdate(room, actor);
      const sets: string[] = [];
      const values: unknown[] = [roomId];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (patch.name !== undefined) set('name', patch.name);
      if (patch.visibility !== undefined) set('visibility', patch.visibility);
      if (patch.slowModeSec !== undefined) set('slow_mode_sec', patch.slowModeSec);
      if (patch.retentionDays !== undefined) set('retention_days', patch.retentionDays);
      if (sets.length === 0) return room;
      await db.query(`UPDATE rooms SET ${sets.join(', ')} WHERE id = $1`, values);
      await audit(db, { roomId, actorId, action: 'update_room', detail: patch });
      return (await readRoom(db, roomId))!;
    });
  }

  async changeMember(change: MemberChange): Promise<{ member: Member; changed: boolean }> {
    const { roomId, userId, actorId } = change;
    return inTransaction(this.pool, async (db) => {
      const room = await readRoom(db, roomId);
      if (!room) throw new ChatError('not_found', `Room ${roomId} does not exist`);
      // Every owner's row is locked too, so "a room always keeps an owner" holds against
      // two owners stepping down at once: the second waits, then counts one owner.
      const { rows } = await db.query<MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM room_members m
         WHERE m.room_id = $1 AND (m.user_id = ANY($2) OR m.role = 'owner')
         ORDER BY m.user_id FOR UPDATE`,
        [roomId, [actorId, userId]],
      );
      const members = rows.map(toMember);
      const actor = members.find((m) => m.userId === actorId);
      const target = members.find((m) => m.userId === userId);
      const owners = members.filter((m) => m.role === 'owner' && !m.banned).length;
      const { noop } = authorizeMemberChange({ room, actor, target, owners }, change);
      if (noop && target) return { member: target, changed: false };
      await db.query(MEMBER_WRITES[change.action], writeValues(change));
      await audit(db, {
        roomId,
        actorId,
        action: change.action,
        targetId: userId,
        detail: {
          ...(change.role ? { role: change.role } : {}),
          ...(change.reason ? { reason: change.reason } : {}),
          ...(change.until ? { until: change.until } : {}),
        },
      });
      if (change.action === 'remove')
        return { member: { ...target!, removed: true }, changed: true };
      return { member: (await memberIn(db, roomId, userId))!, changed: true };
    });
  }

  async openDm(userId: string, otherId: string): Promise<Room> {
    const roomId = dmRoomId(userId, otherId);
    return inTransaction(this.pool, async (db) => {
      await db.query(
        `INSERT INTO rooms (id, visibility, kind, created_by) VALUES ($1, 'private', 'dm', $2)
         ON CONFLICT (id) DO NOTHING`,
        [roomId, userId],
      );
      await db.query(
        `INSERT INTO room_members (room_id, user_id, role)
         SELECT $1, u, 'member' FROM unnest($2::text[]) AS u
         ON CONFLICT (room_id, user_id) DO NOTHING`,
        [roomId, [...new Set([userId, otherId])]],
      );
      return (await readRoom(db, roomId))!;
    });
  }
}

async function memberIn(
  db: Queryable,
  roomId: string,
  userId: string,
): Promise<Member | undefined> {
  const { rows } = await db.query<MemberRow>(
    `SELECT ${MEMBER_COLUMNS} FROM room_members m WHERE m.room_id = $1 AND m.user_id = $2`,
    [roomId, userId],
  );
  return rows[0] && toMember(rows[0]);
}

/** The last message's columns in `list_rooms`, prefixed so they do not clash with the room's. */
const PREFIXED_MESSAGE_COLUMNS = MESSAGE_COLUMNS.split(', ')
  .map((column) => `lm.${column} AS lm_${column}`)
  .join(', ');

type PrefixedMessage = { [K in keyof MessageRow as `lm_${K & string}`]: MessageRow[K] };

function unprefixMessage(row: Partial<PrefixedMessage>): MessageRow | undefined {
  if (row.lm_id === undefined || row.lm_id === null) return undefined;
  const message: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('lm_')) message[key.slice(3)] = value;
  }
  return message as unknown as MessageRow;
}
