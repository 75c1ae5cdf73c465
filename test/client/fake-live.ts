/**
 * The fake server's answers to protocol v2's read state, typing, presence, reactions and
 * threads (/work/shared/protocol-v2.md), with what an SDK can observe: who hears what
 * (`read` to the room, `read_state` to the user's other connections, `typing` and
 * `reaction` to the others), and the numbers (unread is `lastSeq - readSeq`; the cursor
 * never moves back). Read cursors live on the fake's member rows (`Member.readSeq`), so
 * `get_room` shows them as the real server does.
 */
import type { Message, PresenceEntry, Reaction } from '../../client/types.js';
import type { FakeParley, FakeSocket } from './fake-parley.js';

type Frame = Record<string, unknown>;
type Reply = (body: Record<string, unknown>) => void;
type Status = 'online' | 'away' | 'dnd';

export class FakeLive {
  /** Answer `join_room` and `list_rooms` without read state, as a server before v2 does. */
  withoutReadState = false;
  /** user id -> status set with `set_status`. */
  readonly statuses = new Map<string, { status: Status; text?: string }>();
  /** `${roomId}#${seq}` -> emoji -> the users who reacted with it. */
  private readonly reactions = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly server: FakeParley) {}

  /** The read state a join reply carries for `userId` (nothing for an old server). */
  joinFields(roomId: string, userId: string): Frame {
    if (this.withoutReadState) return {};
    const readSeq = this.server.v2.member(roomId, userId)?.readSeq ?? 0;
    return { readSeq, unread: this.server.messages(roomId).length - readSeq };
  }

  /** The read state of a `list_rooms` row for `userId`. */
  summaryFields(roomId: string, userId: string): Frame {
    if (this.withoutReadState) return {};
    const messages = this.server.messages(roomId);
    const readSeq = this.server.v2.member(roomId, userId)?.readSeq ?? 0;
    const unreadMentions = messages.filter(
      (m) => m.seq > readSeq && !m.deleted && m.mentions?.includes(userId),
    ).length;
    return { readSeq, unread: messages.length - readSeq, unreadMentions };
  }

  /** A stored send moves the sender's cursor to it. */
  sent(message: Message): void {
    this.moveCursor(message.roomId, message.userId, message.seq);
  }

  handle(socket: FakeSocket, frame: Frame, reply: Reply): boolean {
    const handler = this.handlers[String(frame.action)];
    if (!handler) return false;
    handler(socket, frame, reply);
    return true;
  }

  private readonly handlers: Record<string, (s: FakeSocket, f: Frame, r: Reply) => void> = {
    mark_read: (socket, frame, reply) => {
      const roomId = String(frame.roomId);
      const lastSeq = this.server.messages(roomId).length;
      const readSeq = this.moveCursor(roomId, socket.token, Math.min(Number(frame.seq), lastSeq));
      const state = { type: 'read_state', roomId, readSeq, unread: lastSeq - readSeq };
      reply(state);
      for (const other of this.server.sockets) {
        if (other !== socket && other.token === socket.token && other.readyState === 1) {
          other.receive(state);
        }
      }
      this.tellOthers(socket, roomId, {
        type: 'read',
        roomId,
        userId: socket.token,
        seq: readSeq,
      });
    },
    typing: (socket, frame) => {
      const roomId = String(frame.roomId);
      this.tellOthers(socket, roomId, {
        type: 'typing',
        roomId,
        userId: socket.token,
        state: frame.state,
      });
    },
    set_status: (socket, frame, reply) => {
      const status = frame.status as Status;
      const text = typeof frame.text === 'string' ? frame.text : undefined;
      this.statuses.set(socket.token, { status, ...(text === undefined ? {} : { text }) });
      reply({ type: 'status', status, ...(text === undefined ? {} : { text }) });
      const rooms = new Set(
        this.server.sockets.filter((s) => s.token === socket.token).flatMap((s) => [...s.joined]),
      );
      for (const roomId of rooms) {
        this.tellOthers(socket, roomId, {
          type: 'presence',
          roomId,
          userId: socket.token,
          status,
          ...(text === undefined ? {} : { text }),
        });
      }
    },
    get_presence: (_socket, frame, reply) => {
      const roomId = String(frame.roomId);
      const online = new Set(
        this.server.sockets
          .filter((s) => s.readyState === 1 && s.joined.has(roomId))
          .map((s) => s.token),
      );
      const users: PresenceEntry[] = [...online].sort().map((userId) => {
        const set = this.statuses.get(userId);
        return {
          userId,
          status: set?.status ?? 'online',
          ...(set?.text ? { text: set.text } : {}),
        };
      });
      reply({ type: 'presence_list', roomId, users });
    },
    ping: (_socket, _frame, reply) => reply({ type: 'pong' }),
    react: (socket, frame, reply) => {
      const roomId = String(frame.roomId);
      const seq = Number(frame.seq);
      const message = this.server.messages(roomId).find((m) => m.seq === seq);
      if (!message) return reply({ type: 'error', code: 'not_found', message: 'no message' });
      const emoji = String(frame.emoji);
      const key = `${roomId}#${seq}`;
      const byEmoji = this.reactions.get(key) ?? new Map<string, Set<string>>();
      this.reactions.set(key, byEmoji);
      const users = byEmoji.get(emoji) ?? new Set<string>();
      byEmoji.set(emoji, users);
      const on = frame.on === true;
      const changed = on !== users.has(socket.token);
      if (on) users.add(socket.token);
      else users.delete(socket.token);
      message.reactions = this.counts(byEmoji);
      reply({
        type: 'ack',
        message: { ...message, reactions: this.counts(byEmoji, socket.token) },
      });
      if (changed) {
        this.tellOthers(socket, roomId, {
          type: 'reaction',
          roomId,
          seq,
          userId: socket.token,
          emoji,
          on,
        });
      }
    },
    get_thread: (_socket, frame, reply) => {
      const roomId = String(frame.roomId);
      const after = typeof frame.after === 'number' ? frame.after : 0;
      const limit = typeof frame.limit === 'number' ? frame.limit : 50;
      const replies = this.server
        .messages(roomId)
        .filter((m) => m.replyTo === frame.seq && m.seq > after);
      reply({
        type: 'room_history',
        roomId,
        messages: replies.slice(0, limit),
        hasMore: replies.length > limit,
      });
    },
  };

  private moveCursor(roomId: string, userId: string, seq: number): number {
    const member = this.server.v2.member(roomId, userId);
    if (!member) return seq;
    member.readSeq = Math.max(member.readSeq ?? 0, seq);
    return member.readSeq;
  }

  private counts(byEmoji: Map<string, Set<string>>, viewer?: string): Reaction[] {
    return [...byEmoji]
      .filter(([, users]) => users.size > 0)
      .map(([emoji, users]) => ({
        emoji,
        count: users.size,
        me: viewer !== undefined && users.has(viewer),
      }));
  }

  /** Every open connection in the room of a user other than the sender's. */
  private tellOthers(sender: FakeSocket, roomId: string, frame: Frame): void {
    for (const socket of this.server.sockets) {
      if (socket.token !== sender.token && socket.readyState === 1 && socket.joined.has(roomId)) {
        socket.receive(frame);
      }
    }
  }
}
