/**
 * The authorization matrix of protocol v2 (issues 15 and 16): every governed action, by every
 * standing a user can have in a room, on public and private rooms and DMs. The expected
 * answer of each cell is written out here from the protocol's rules, not derived from the
 * code under test; and after each cell, nobody who may not see the room may have been sent
 * anything about it. One table, two drivers: the handlers over fakes, and the local gateway
 * end to end.
 */
import { expect } from 'vitest';
import type { Frame } from './chat-client.js';

export type Standing = 'owner' | 'admin' | 'member' | 'non-member' | 'banned' | 'muted' | 'removed';
export type Kind = 'public' | 'private' | 'dm';

export const STANDINGS: Record<Kind, readonly Standing[]> = {
  public: ['owner', 'admin', 'member', 'non-member', 'banned', 'muted', 'removed'],
  private: ['owner', 'admin', 'member', 'non-member', 'banned', 'muted', 'removed'],
  // A DM has exactly its two users, both plain members; bans and mutes cannot exist there.
  dm: ['member', 'non-member'],
};

export const ACTIONS = [
  'join_room',
  'get_history',
  'send_message',
  'leave_room',
  'get_room',
  'list_rooms',
  'update_room',
  'add_member',
  'remove_member',
  'set_role',
  'ban',
  'unban',
  'mute',
  'unmute',
  'edit_message',
  'delete_message',
  'mark_read',
  'react',
  'get_thread',
  'get_presence',
  'search_messages',
  'request_upload',
] as const;
export type MatrixAction = (typeof ACTIONS)[number];

/** The reply type of a request that is allowed. */
const REPLY_TYPE: Record<MatrixAction, string> = {
  join_room: 'room_history',
  get_history: 'room_history',
  send_message: 'ack',
  leave_room: 'left',
  get_room: 'room',
  list_rooms: 'rooms',
  update_room: 'room',
  add_member: 'member',
  remove_member: 'member',
  set_role: 'member',
  ban: 'member',
  unban: 'member',
  mute: 'member',
  unmute: 'member',
  edit_message: 'ack',
  delete_message: 'ack',
  mark_read: 'read_state',
  react: 'ack',
  get_thread: 'room_history',
  get_presence: 'presence_list',
  search_messages: 'search_results',
  request_upload: 'upload',
};

/** 'ok', or the error code the protocol says the request gets. */
export function expectedAnswer(action: MatrixAction, standing: Standing, kind: Kind): string {
  const joined = ['owner', 'admin', 'member', 'muted'].includes(standing);
  const moderator = standing === 'owner' || standing === 'admin';
  const allow = (yes: boolean) => (yes ? 'ok' : 'forbidden');
  switch (action) {
    case 'list_rooms':
    case 'leave_room':
      return 'ok';
    case 'join_room':
      if (joined) return 'ok';
      // A public room takes anyone not banned: removal from it is a kick, a ban keeps out.
      return allow(kind === 'public' && standing !== 'banned');
    case 'get_history':
    case 'get_thread':
    // A muted member still reads, so may mark read and see who is here.
    case 'mark_read':
    case 'get_presence':
    // Search reads as history does: a muted member still finds what the room said.
    case 'search_messages':
    // A mute stops what one says; a reaction adds no words.
    case 'react':
      return allow(joined);
    case 'send_message':
    // Signing an upload is the first half of sending a file: the same rule.
    case 'request_upload':
      return allow(joined && standing !== 'muted');
    case 'get_room':
      return allow(kind === 'public' ? standing !== 'banned' : joined);
    case 'set_role':
      return allow(kind !== 'dm' && standing === 'owner');
    // The scene's message is the member's: only they edit it; an owner or admin may delete it.
    case 'edit_message':
      return allow(standing === 'member');
    case 'delete_message':
      return allow(standing === 'member' || (kind !== 'dm' && moderator));
    default:
      return allow(kind !== 'dm' && moderator);
  }
}

export interface MatrixClient {
  userId: string;
  /** Sends a request and resolves with its reply. */
  request(frame: Record<string, unknown>): Promise<Frame>;
  /** Every frame this connection has received so far. */
  frames(): readonly Frame[];
}

export interface MatrixDriver {
  connect(userId: string): Promise<MatrixClient>;
}

export interface Scene {
  kind: Kind;
  roomId: string;
  /** The connection of each standing's user. */
  as: Record<Standing, MatrixClient | undefined>;
  /** Users the actions are done to: a member, a banned user, a muted user, a stranger. */
  target: { member: string; banned: string; muted: string; stranger: string };
  /** How many frames each connection had when the scene was ready. */
  marks: Map<MatrixClient, number>;
  /** The seq of a message the member wrote. */
  memberSeq: number;
}

async function ok(client: MatrixClient, frame: Record<string, unknown>): Promise<Frame> {
  const reply = await client.request(frame);
  if (reply.type === 'error') {
    throw new Error(`setting up: ${JSON.stringify(frame)} got ${JSON.stringify(reply)}`);
  }
  return reply;
}

/** A fresh room of `kind` with one user of every standing, each connected. */
export async function buildScene(driver: MatrixDriver, kind: Kind, tag: string): Promise<Scene> {
  const name = (role: string) => `${tag}-${role}`;
  const connect = (role: string) => driver.connect(name(role));
  const target = {
    member: name('tara'),
    banned: name('bert'),
    muted: name('muriel'),
    stranger: name('newbie'),
  };
  const as = {} as Record<Standing, MatrixClient | undefined>;
  let roomId: string;
  if (kind === 'dm') {
    const opener = await connect('member');
    const other = await connect('other');
    const room = await ok(opener, { action: 'open_dm', userId: other.userId });
    roomId = (room.room as { roomId: string }).roomId;
    await ok(opener, { action: 'join_room', roomId });
    await ok(other, { action: 'join_room', roomId });
    as.member = opener;
    as['non-member'] = await connect('non-member');
  } else {
    roomId = tag;
    const owner = await connect('owner');
    await ok(owner, { action: 'create_room', roomId, visibility: kind });
    await ok(owner, { action: 'join_room', roomId });
    as.owner = owner;
    const add = (userId: string, role?: string) =>
      ok(owner, { action: 'add_member', roomId, userId, ...(role ? { role } : {}) });
    await add(name('admin'), 'admin');
    for (const user of ['member', 'muted', 'banned', 'removed']) await add(name(user));
    for (const user of [target.member, target.banned, target.muted]) await add(user);
    for (const standing of ['admin', 'member', 'muted', 'banned', 'removed'] as const) {
      const client = await connect(standing);
      await ok(client, { action: 'join_room', roomId });
      as[standing] = client;
    }
    const tara = await driver.connect(target.member);
    await ok(tara, { action: 'join_room', roomId });
    await ok(owner, { action: 'mute', roomId, userId: name('muted') });
    await ok(owner, { action: 'ban', roomId, userId: name('banned'), reason: 'matrix' });
    // Removed while its connection is live: the connection stays open, the room lets go.
    await ok(owner, { action: 'remove_member', roomId, userId: name('removed') });
    await ok(owner, { action: 'ban', roomId, userId: target.banned });
    await ok(owner, { action: 'mute', roomId, userId: target.muted });
    as['non-member'] = await connect('non-member');
  }
  const sent = await ok(as.member!, { action: 'send_message', roomId, content: SCENE_MESSAGE });
  const memberSeq = (sent.message as { seq: number }).seq;
  const marks = new Map<MatrixClient, number>();
  for (const client of Object.values(as)) if (client) marks.set(client, client.frames().length);
  return { kind, roomId, as, target, marks, memberSeq };
}

/** The request `action` makes in the scene's room. */
export function requestFor(action: MatrixAction, scene: Scene): Record<string, unknown> {
  const { roomId, target } = scene;
  switch (action) {
    case 'join_room':
    case 'get_history':
    case 'leave_room':
    case 'get_room':
    case 'get_presence':
      return { action, roomId };
    case 'send_message':
      return { action, roomId, content: 'matrix says hi' };
    case 'list_rooms':
      return { action };
    case 'update_room':
      return { action, roomId, name: 'renamed' };
    case 'add_member':
      return { action, roomId, userId: target.stranger };
    case 'set_role':
      return { action, roomId, userId: target.member, role: 'admin' };
    case 'remove_member':
    case 'ban':
    case 'mute':
      return { action, roomId, userId: target.member };
    case 'unban':
      return { action, roomId, userId: target.banned };
    case 'unmute':
      return { action, roomId, userId: target.muted };
    case 'edit_message':
      return { action, roomId, seq: scene.memberSeq, content: 'edited' };
    case 'delete_message':
    case 'mark_read':
    case 'get_thread':
      return { action, roomId, seq: scene.memberSeq };
    case 'react':
      return { action, roomId, seq: scene.memberSeq, emoji: '👍', on: true };
    case 'search_messages':
      return { action, roomId, query: SCENE_MESSAGE };
    case 'request_upload':
      return { action, roomId, fileName: 'notes.txt', contentType: 'text/plain', size: 5 };
  }
}

/** What the scene's member says in the room: a word search finds. */
const SCENE_MESSAGE = 'mine';

/** Whether a frame is about the room (carries it, or a message or room of it). */
function about(frame: Frame, roomId: string): boolean {
  const nested = (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    (value as { roomId?: unknown }).roomId === roomId;
  return frame.roomId === roomId || nested(frame.message) || nested(frame.room);
}

/**
 * Runs one cell: `standing` asks `action`; checks the answer, then that nobody who may not
 * see the room got anything about it (their own replies aside), nor sees it listed.
 */
export async function runCell(
  scene: Scene,
  action: MatrixAction,
  standing: Standing,
  settle: (scene: Scene) => Promise<void> = async () => {},
): Promise<void> {
  const actor = scene.as[standing];
  if (!actor) throw new Error(`no ${standing} in a ${scene.kind} room`);
  const want = expectedAnswer(action, standing, scene.kind);
  const reply = await actor.request(requestFor(action, scene));
  const cell = `${standing} ${action} in a ${scene.kind} room`;
  if (want === 'ok')
    expect(reply.type, `${cell}: ${JSON.stringify(reply)}`).toBe(REPLY_TYPE[action]);
  else expect({ type: reply.type, code: reply.code }, cell).toEqual({ type: 'error', code: want });
  if (action === 'list_rooms' && ['non-member', 'banned', 'removed'].includes(standing)) {
    const listed = (reply.rooms as { roomId: string }[]).map((r) => r.roomId);
    expect(listed, `${cell} lists the room`).not.toContain(scene.roomId);
  }
  if (action === 'search_messages') await checkSearch(scene, actor, standing, want, reply);
  await settle(scene);
  // A user let back in (a public room's join) may hear the room from then on.
  const outsiders = (['non-member', 'banned', 'removed'] as const).filter(
    (s) => !(s === standing && action === 'join_room' && want === 'ok'),
  );
  for (const outsider of outsiders) {
    const client = scene.as[outsider];
    if (!client) continue;
    const since = client.frames().slice(scene.marks.get(client));
    const leaked = since.filter((f) => f.requestId === undefined && about(f, scene.roomId));
    expect(leaked, `${cell}: ${outsider} was sent`).toEqual([]);
  }
}

/**
 * A search finds the room's message for those who may read it, and a search of all one's
 * rooms (no `roomId`) never shows it to anyone else.
 */
async function checkSearch(
  scene: Scene,
  actor: MatrixClient,
  standing: Standing,
  want: string,
  reply: Frame,
): Promise<void> {
  const roomsOf = (frame: Frame) =>
    ((frame.results ?? []) as { message: { roomId: string } }[]).map((r) => r.message.roomId);
  const cell = `${standing} search_messages in a ${scene.kind} room`;
  if (want === 'ok') expect(roomsOf(reply), cell).toContain(scene.roomId);
  const everywhere = await actor.request({ action: 'search_messages', query: SCENE_MESSAGE });
  expect(everywhere.type, cell).toBe('search_results');
  if (want === 'ok') expect(roomsOf(everywhere), cell).toContain(scene.roomId);
  else expect(roomsOf(everywhere), `${cell}, all rooms`).not.toContain(scene.roomId);
}

export const CELLS = (['public', 'private', 'dm'] as const).flatMap((kind) =>
  ACTIONS.flatMap((action) => STANDINGS[kind].map((standing) => ({ kind, action, standing }))),
);
