/**
 * Frames for the protocol fuzzer, drawn from a seeded generator so a run replays exactly:
 * valid requests, and requests made wrong every way a client can: random and mutated
 * text, fields of the wrong type, huge and odd numbers, deep nesting, `__proto__` and
 * `constructor` keys, lone surrogates, invalid UTF-8, frames over the 32 KB limit and
 * binary frames. The last three are answered by a close (1007, 1009, 1003), the rest by a
 * reply.
 */
import type { Random } from './random.js';

export interface FuzzFrame {
  kind: string;
  data: string | Buffer;
  binary: boolean;
}

/** The gateway's frame limit (32 KB), which the oversize frames pass. */
const FRAME_LIMIT = 32 * 1024;
const ACTIONS = ['join_room', 'leave_room', 'send_message', 'get_history', 'dance', ''];

const ODD_NUMBERS = [
  '0',
  '-0',
  '-1',
  '1.5',
  '1e308',
  '1e999',
  '-1e999',
  '9007199254740993',
  '123456789012345678901234567890',
  '4294967296',
  '2147483648',
  '5e-324',
  '0.0000001',
  '100',
  '101',
];

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'x\udfffy',
  '\ufeff',
  '\u202e',
  '../../etc/passwd',
  "x'; DROP TABLE rooms; --",
  '%00',
  '🙂'.repeat(20),
  'a'.repeat(65),
  'a'.repeat(300),
  '__proto__',
  'constructor',
];

/** A string of `n` characters drawn from every plane, lone surrogates included. */
function randomText(random: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const roll = random.int(10);
    if (roll < 6) out += String.fromCharCode(32 + random.int(95));
    else if (roll < 8) out += String.fromCharCode(random.int(0x10000));
    else if (roll < 9) out += String.fromCodePoint(0x10000 + random.int(0xfffff));
    else out += String.fromCharCode(random.int(32));
  }
  return out;
}

function randomValue(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 5 : 7)) {
    case 0:
      return random.int(2) === 0;
    case 1:
      return null;
    case 2:
      return Number(random.pick(ODD_NUMBERS));
    case 3:
      return random.pick(ODD_STRINGS);
    case 4:
      return randomText(random, random.int(40));
    case 5:
      return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = random.int(4); i > 0; i--) {
        object[random.pick(['action', 'roomId', 'content', 'x', '__proto__'])] = randomValue(
          random,
          depth + 1,
        );
      }
      return object;
    }
  }
}

/** A well-formed request, the base the mutations start from. */
function validRequest(random: Random, rooms: readonly string[]): Record<string, unknown> {
  const roomId = random.pick(rooms);
  const action = random.pick(['join_room', 'send_message', 'get_history', 'leave_room']);
  const frame: Record<string, unknown> = { action, roomId };
  if (action === 'send_message') {
    frame.content = randomText(random, 1 + random.int(60));
    if (random.chance(0.5)) frame.clientMsgId = `c${random.int(1e9)}`;
  }
  if (action === 'get_history' && random.chance(0.5)) frame.limit = 1 + random.int(100);
  if (action === 'join_room' && random.chance(0.3)) frame.since = random.int(5);
  if (random.chance(0.5)) frame.requestId = `r${random.int(1e9)}`;
  return frame;
}

function mutateText(random: Random, text: string): string {
  let out = text;
  for (let i = 1 + random.int(4); i > 0; i--) {
    const at = random.int(out.length + 1);
    switch (random.int(4)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + random.int(3));
        break;
      case 1:
        out =
          out.slice(0, at) + random.pick(['{', '}', '"', ':', ',', '[', ']', '\\']) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + randomText(random, 1 + random.int(3)) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + out.slice(at, at + 8).repeat(2) + out.slice(at + 8);
    }
  }
  return out;
}

type Maker = (random: Random, rooms: readonly string[]) => FuzzFrame;
const text = (kind: string, data: string): FuzzFrame => ({ kind, data, binary: false });

/** Each maker with its weight: the frames that close a connection are rarer, as each costs a reconnect. */
const MAKERS: [number, Maker][] = [
  [12, (r, rooms) => text('valid', JSON.stringify(validRequest(r, rooms)))],
  [14, (r, rooms) => text('mutated', mutateText(r, JSON.stringify(validRequest(r, rooms))))],
  [8, (r) => text('random text', randomText(r, r.int(200)))],
  [
    14,
    (r, rooms) => {
      const frame = validRequest(r, rooms);
      const key = r.pick([...Object.keys(frame), 'action', 'roomId', 'content', 'limit']);
      frame[key] = randomValue(r);
      return text('wrong type', JSON.stringify(frame));
    },
  ],
  [
    10,
    (r, rooms) => {
      const field = r.pick(['limit', 'since', 'before', 'after', 'requestId', 'content', 'roomId']);
      const raw = JSON.stringify({ ...validRequest(r, rooms), [field]: 0 });
      return text('odd number', raw.replace(`"${field}":0`, `"${field}":${r.pick(ODD_NUMBERS)}`));
    },
  ],
  [
    5,
    (r) => {
      const open = r.pick(['[', '{"a":']);
      // Within the frame limit: the nesting, not the size, is what is tried.
      const depth = 1 + r.int(Math.floor((FRAME_LIMIT - 100) / (open.length + 1)));
      const close = open === '[' ? ']' : '}';
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return text('deep nesting', `{"action":"send_message","roomId":"r","content":${nested}}`);
    },
  ],
  [
    8,
    (r, rooms) => {
      const key = r.pick(['__proto__', 'constructor', 'prototype']);
      const inner = JSON.stringify(
        r.chance(0.5) ? { action: 'join_room', roomId: r.pick(rooms) } : { polluted: true },
      );
      const base = JSON.stringify(validRequest(r, rooms));
      const raw = r.chance(0.5)
        ? `{"${key}":${inner},${base.slice(1)}`
        : `${base.slice(0, -1)},"${key}":${inner}}`;
      return text('__proto__ keys', raw);
    },
  ],
  [
    6,
    (r, rooms) => {
      const frame = validRequest(r, rooms);
      const field = r.pick(['content', 'roomId', 'clientMsgId', 'requestId', 'action']);
      frame[field] = `${r.pick(ODD_STRINGS)}${String.fromCharCode(0xd800 + r.int(0x800))}`;
      return text('lone surrogate', JSON.stringify(frame));
    },
  ],
  [
    4,
    (r) => {
      const content = JSON.stringify({ action: 'send_message', roomId: 'r', content: 'x' });
      const bytes = Buffer.from(content, 'utf8');
      const bad = r.pick([
        [0xff],
        [0xc0, 0x80],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
      ]);
      const at = r.int(bytes.length);
      return {
        kind: 'invalid UTF-8',
        data: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]),
        binary: false,
      };
    },
  ],
  [
    2,
    (r) => {
      const size = FRAME_LIMIT + 1 + r.int(FRAME_LIMIT);
      return text('oversize', `{"action":"send_message","content":"${'x'.repeat(size)}"}`);
    },
  ],
  [
    2,
    (r) => ({
      kind: 'binary',
      data: Buffer.from(Array.from({ length: r.int(256) }, () => r.int(256))),
      binary: true,
    }),
  ],
  [
    3,
    (r) =>
      text(
        'odd JSON',
        r.pick([
          '',
          'null',
          'true',
          '0',
          '""',
          '[]',
          '{}',
          'NaN',
          '{"action":null}',
          `{"action":"${r.pick(ACTIONS)}"}`,
          '{"action":"join_room","action":"send_message"}',
          '\ufeff{"action":"join_room","roomId":"r"}',
        ]),
      ),
  ],
];

const TOTAL_WEIGHT = MAKERS.reduce((sum, [weight]) => sum + weight, 0);

/** The next frame; `rooms` are the room ids the valid requests use. */
export function nextFuzzFrame(random: Random, rooms: readonly string[]): FuzzFrame {
  let roll = random.int(TOTAL_WEIGHT);
  for (const [weight, make] of MAKERS) {
    if (roll < weight) return make(random, rooms);
    roll -= weight;
  }
  throw new Error('unreachable');
}

/** The closes that answer a frame the gateway refuses: invalid UTF-8, too big, binary. */
export const REFUSING_CLOSES = new Set([1007, 1009, 1003]);
