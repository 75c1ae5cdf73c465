/**
 * What compact frames save on the wire and on the bill: representative server frames in
 * both forms, and API Gateway's metering of them (messages in 32 KB units, and the bytes
 * themselves as data transfer out). Pure: bench/compact-bytes.ts prints the report.
 */
import type { Message } from '../functions/core/message.js';
import type { ServerFrame } from '../functions/core/server-frames.js';
import { encodeCompact } from '../protocol/compact-codec.js';

/** API Gateway meters WebSocket messages in units of 32 KB: 33 KB bills as 2 messages. */
export const BILLING_UNIT_BYTES = 32 * 1024;

/** Messages billed for one frame of `bytes`. */
export function billedUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / BILLING_UNIT_BYTES));
}

const ROOM = 'team-general';
const USERS = ['user-4f9c2a71', 'user-9b03d6e4', 'user-1c7e5f20', 'user-e2a8b913'];

/** Plain text of exactly `length` characters, the same every run. */
export function text(length: number, seed = 1): string {
  const words = ['the', 'deploy', 'looks', 'good', 'from', 'here', 'can', 'you', 'check', 'logs'];
  let out = '';
  for (let i = seed; out.length < length; i++) out += `${words[(i * 7) % words.length]} `;
  return out.slice(0, length);
}

/** A message as the server sends it: UUIDs, ISO times, a client id (the SDK sends one). */
export function message(
  seq: number,
  content = text(100, seq),
  extra: Partial<Message> = {},
): Message {
  const hex = seq.toString(16).padStart(12, '0');
  return {
    id: `0193a7c2-5e1b-7c3d-9f2a-${hex}`,
    roomId: ROOM,
    seq,
    userId: USERS[seq % USERS.length] ?? 'user',
    content,
    createdAt: new Date(Date.UTC(2026, 11, 6, 12, 0, seq % 60, seq % 1000)).toISOString(),
    clientMsgId: `0193a7c2-5e1a-7000-8000-${hex}`,
    ...extra,
  };
}

/** The frames the report measures, named as its table shows them. */
export function representativeFrames(): { name: string; frame: ServerFrame }[] {
  const rich = message(48_213, text(100, 3), {
    replyTo: 48_200,
    mentions: [USERS[1] ?? ''],
    reactions: [
      { emoji: '👍', count: 3, me: false },
      { emoji: '🎉', count: 1, me: true },
    ],
    rev: 4,
  });
  const page = Array.from({ length: 50 }, (_, i) => message(48_164 + i));
  return [
    { name: 'new_message, 100 chars', frame: { type: 'new_message', message: message(48_213) } },
    {
      name: 'new_message + reply, mention, reactions',
      frame: { type: 'new_message', message: rich },
    },
    {
      name: 'new_message, 1,000 chars',
      frame: { type: 'new_message', message: message(48_214, text(1000)) },
    },
    {
      name: 'presence (online)',
      frame: { type: 'presence', roomId: ROOM, userId: USERS[1] ?? '', status: 'online' },
    },
    {
      name: 'typing',
      frame: { type: 'typing', roomId: ROOM, userId: USERS[2] ?? '', state: 'start' },
    },
    { name: 'read', frame: { type: 'read', roomId: ROOM, userId: USERS[3] ?? '', seq: 48_213 } },
    {
      name: 'reaction',
      frame: {
        type: 'reaction',
        roomId: ROOM,
        seq: 48_213,
        userId: USERS[0] ?? '',
        emoji: '👍',
        on: true,
      },
    },
    {
      name: 'join_room reply, 50 messages',
      frame: {
        type: 'room_history',
        roomId: ROOM,
        messages: page,
        hasMore: true,
        online: USERS,
        onlineCount: USERS.length,
        lastSeq: 48_213,
        readSeq: 48_200,
        unread: 13,
        requestId: '0193a7c2-5e1c-7000-8000-000000000001',
      },
    },
    {
      name: 'join_room reply, 50 × 1,000 chars',
      frame: {
        type: 'room_history',
        roomId: ROOM,
        messages: page.map((m) => ({ ...m, content: text(1000, m.seq) })),
        hasMore: true,
        lastSeq: 48_213,
        requestId: '0193a7c2-5e1c-7000-8000-000000000002',
      },
    },
  ];
}

export interface FrameSize {
  name: string;
  long: number;
  compact: number;
  longUnits: number;
  compactUnits: number;
}

/** UTF-8 bytes of each frame in both forms, and the messages each bills. */
export function frameSizes(frames = representativeFrames()): FrameSize[] {
  return frames.map(({ name, frame }) => {
    const long = Buffer.byteLength(JSON.stringify(frame));
    const compact = Buffer.byteLength(JSON.stringify(encodeCompact(frame)));
    return {
      name,
      long,
      compact,
      longUnits: billedUnits(long),
      compactUnits: billedUnits(compact),
    };
  });
}

/** A delivered-frame mix: how many of each named frame per `total` deliveries. */
export type Mix = Record<string, number>;

/**
 * A chatty room's deliveries per 1,000: mostly messages, with the typing, receipts and
 * presence around them, and a few joins (each a page of history).
 */
export const CHAT_MIX: Mix = {
  'new_message, 100 chars': 520,
  'new_message + reply, mention, reactions': 80,
  'new_message, 1,000 chars': 20,
  typing: 200,
  read: 100,
  'presence (online)': 40,
  reaction: 30,
  'join_room reply, 50 messages': 10,
};

export interface MixTotals {
  frames: number;
  longBytes: number;
  compactBytes: number;
  longUnits: number;
  compactUnits: number;
}

export function mixTotals(sizes: readonly FrameSize[], mix: Mix): MixTotals {
  const totals: MixTotals = {
    frames: 0,
    longBytes: 0,
    compactBytes: 0,
    longUnits: 0,
    compactUnits: 0,
  };
  for (const [name, count] of Object.entries(mix)) {
    const size = sizes.find((s) => s.name === name);
    if (!size) throw new Error(`no frame named ${name}`);
    totals.frames += count;
    totals.longBytes += count * size.long;
    totals.compactBytes += count * size.compact;
    totals.longUnits += count * size.longUnits;
    totals.compactUnits += count * size.compactUnits;
  }
  return totals;
}
