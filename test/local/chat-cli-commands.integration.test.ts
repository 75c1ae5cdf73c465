/**
 * The terminal chat's slash commands and how it shows v2 events, against a stand-in that
 * answers the protocol from a script: what each command sends, and what the user reads.
 * No real server: the server's v2 actions are tested where they are built.
 */
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Message } from '../../client/index.js';
import { chat, type Run, withStandIn } from '../support/chat-cli.js';

type Frame = Record<string, unknown> & { action: string; requestId?: string };
/** The reply to a frame; undefined leaves it unanswered (the test answers it later). */
type Answer = (frame: Frame) => Record<string, unknown> | undefined;

const at = '2026-01-01T12:00:01.000Z';
const message = (seq: number, content: string, userId = 'u'): Message => ({
  id: `m${seq}`,
  roomId: 'r',
  seq,
  userId,
  content,
  createdAt: at,
});
const room = (roomId: string, fields: Record<string, unknown> = {}) => ({
  roomId,
  visibility: 'public',
  kind: 'room',
  encrypted: false,
  createdAt: at,
  lastSeq: 0,
  slowModeSec: 0,
  ...fields,
});

/** Room r holds one message of u's, seq 1: `/edit 1` and `/delete 1` have it to change. */
const ANSWERS: Record<string, Answer> = {
  join_room: (f) => ({
    type: 'room_history',
    roomId: f.roomId,
    messages: f.roomId === 'r' ? [message(1, 'typo')] : [],
    hasMore: false,
    online: ['u'],
    onlineCount: 1,
    lastSeq: f.roomId === 'r' ? 1 : 0,
  }),
  send_message: (f) => ({
    type: 'ack',
    message: { ...message(2, String(f.content)), roomId: f.roomId },
  }),
};

/**
 * A stand-in Parley answering each action from `answers` (then the defaults above), that
 * records every frame and can push frames of its own to the chat.
 */
function scripted(answers: Record<string, Answer> = {}) {
  const frames: Frame[] = [];
  const sockets: WebSocket[] = [];
  const waiters: { action: string; resolve: (frame: Frame) => void }[] = [];
  const onConnection = (socket: WebSocket) => {
    sockets.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      for (const w of waiters.filter((w) => w.action === frame.action)) w.resolve(frame);
      const reply = (answers[frame.action] ?? ANSWERS[frame.action])?.(frame);
      if (reply) socket.send(JSON.stringify({ ...reply, requestId: frame.requestId }));
    });
  };
  return {
    onConnection,
    /** The first frame of `action`, once it has come. */
    received: (action: string): Promise<Frame> => {
      const seen = frames.find((f) => f.action === action);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ action, resolve }));
    },
    push: (frame: Record<string, unknown>) => {
      for (const socket of sockets) socket.send(JSON.stringify(frame));
    },
  };
}

/** The chat, interactive, as user u in room r, once it has joined. */
async function chatIn(port: number): Promise<Run> {
  const run = chat(['--url', `ws://127.0.0.1:${port}`, '--user', 'u', '--room', 'r']);
  await run.printed('* joined r;');
  return run;
}

function type(run: Run, line: string): void {
  run.child.stdin?.write(`${line}\n`);
}

async function quit(run: Run): Promise<void> {
  type(run, '/quit');
  expect(await run.exit).toBe(0);
}

describe('npm run chat: slash commands', () => {
  it('/help lists every command', async () => {
    const server = scripted();
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      type(run, '/help');
      await run.printed('anything else is sent to the current room');
      for (const command of [
        '/rooms',
        '/join ROOM',
        '/create ROOM [private]',
        '/dm USER',
        '/kick USER',
        '/ban USER [MINUTES] [REASON]',
        '/edit SEQ TEXT',
        '/delete SEQ',
        '/react SEQ EMOJI',
        '/reply SEQ TEXT',
        '/thread SEQ',
        '/read',
        '/status STATUS [TEXT]',
        '/who',
        '/quit',
      ]) {
        expect(run.stdout()).toContain(`  ${command} `);
      }
      type(run, '/shout');
      await run.printed('! unknown command /shout; /help lists them');
      await quit(run);
    });
  });

  it('handles lines piped before the join answered, in order, and finishes them at EOF', async () => {
    // The join is answered only once every line has been written and stdin closed.
    let answerJoin = (_frame: Frame) => {};
    const joinAnswered = new Promise<Frame>((resolve) => {
      answerJoin = resolve;
    });
    const server = scripted({
      create_room: (f) => ({ type: 'room', room: room(String(f.roomId)), role: 'owner' }),
      join_room: (f) => (f.roomId === 'r' ? undefined : ANSWERS.join_room?.(f)),
    });
    await withStandIn(
      (socket) => {
        server.onConnection(socket);
        void joinAnswered.then((f) => {
          socket.send(JSON.stringify({ ...ANSWERS.join_room?.(f), requestId: f.requestId }));
        });
      },
      async (port) => {
        const run = chat(['--url', `ws://127.0.0.1:${port}`, '--user', 'u', '--room', 'r']);
        run.child.stdin?.end('/create t2\nafter create\n');
        answerJoin(await server.received('join_room'));
        expect(await run.exit).toBe(0);
        expect(await server.received('create_room')).toMatchObject({ roomId: 't2' });
        // Sent to the room /create switched to, not the one it started in.
        expect(await server.received('send_message')).toMatchObject({
          roomId: 't2',
          content: 'after create',
        });
      },
    );
  });

  it('/dm and /create open a room and make it the one typed lines go to', async () => {
    const server = scripted({
      open_dm: (f) => ({
        type: 'room',
        room: room(`dm-${f.userId}-u`, { kind: 'dm', visibility: 'private' }),
      }),
      create_room: (f) => ({ type: 'room', room: room(String(f.roomId)), role: 'owner' }),
    });
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      type(run, '/dm bob');
      expect(await server.received('open_dm')).toMatchObject({ userId: 'bob' });
      await run.printed('* now in dm-bob-u; online: u');
      type(run, 'psst');
      expect(await server.received('send_message')).toMatchObject({
        roomId: 'dm-bob-u',
        content: 'psst',
      });
      type(run, '/create team private');
      expect(await server.received('create_room')).toMatchObject({
        roomId: 'team',
        visibility: 'private',
      });
      await run.printed('* created team (private)');
      await run.printed('* now in team;');
      await quit(run);
    });
  });

  it('/rooms lists id, name, kind, role, last seq and the last message, one line each', async () => {
    const server = scripted({
      list_rooms: () => ({
        type: 'rooms',
        rooms: [
          {
            ...room('r', { name: 'General', lastSeq: 12 }),
            role: 'owner',
            lastMessage: message(12, `hello there ${'x'.repeat(60)}`, 'alice'),
          },
          { ...room('dm-bob-u', { kind: 'dm', visibility: 'private' }), role: 'member' },
        ],
      }),
    });
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      type(run, '/rooms');
      await run.printed('dm-bob-u');
      // Each row ends a line (the prompt, `> `, may stand before it).
      expect(run.stdout()).toContain(
        ` r        General room owner  #12 alice: hello there ${'x'.repeat(27)}…\n`,
      );
      expect(run.stdout()).toContain(' dm-bob-u -       dm   member #0\n');
      await quit(run);
    });
  });

  it('/kick and /ban moderate the current room; a refusal and a bad command say why', async () => {
    const server = scripted({
      remove_member: (f) =>
        f.userId === 'alice'
          ? { type: 'error', code: 'forbidden', message: 'alice is the owner' }
          : {
              type: 'member',
              member: {
                roomId: 'r',
                userId: f.userId,
                role: 'member',
                joinedAt: at,
                removed: true,
              },
            },
      ban: (f) => ({
        type: 'member',
        member: { roomId: 'r', userId: f.userId, role: 'member', joinedAt: at, banned: true },
      }),
    });
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      type(run, '/kick bob');
      expect(await server.received('remove_member')).toMatchObject({ roomId: 'r', userId: 'bob' });
      await run.printed('* bob was removed from r');
      type(run, '/ban bob 10 spamming links');
      expect(await server.received('ban')).toEqual(
        expect.objectContaining({
          roomId: 'r',
          userId: 'bob',
          durationSec: 600,
          reason: 'spamming links',
        }),
      );
      await run.printed('* bob was banned from r for 10 min');
      type(run, '/kick alice');
      await run.printed('! /kick: forbidden: alice is the owner');
      type(run, '/edit one');
      await run.printed('! usage: /edit SEQ TEXT');
      await quit(run);
    });
  });

  it('/edit and /delete change a message; edits, deletes and membership changes show compactly', async () => {
    const server = scripted({
      edit_message: (f) => ({
        type: 'ack',
        message: { ...message(1, String(f.content)), editedAt: at },
      }),
      delete_message: () => ({ type: 'ack', message: { ...message(1, ''), deleted: true } }),
    });
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      await run.printed('[12:00:01] #1 u: typo');
      type(run, '/edit #1 fixed  text');
      expect(await server.received('edit_message')).toMatchObject({
        roomId: 'r',
        seq: 1,
        content: 'fixed  text',
      });
      await run.printed('[12:00:01] #1 u (edited): fixed  text');
      type(run, '/delete 1');
      expect(await server.received('delete_message')).toMatchObject({ roomId: 'r', seq: 1 });
      await run.printed('* #1 was deleted');

      server.push({ type: 'new_message', message: message(2, 'hi all', 'alice') });
      await run.printed('[12:00:01] #2 alice: hi all');
      server.push({
        type: 'message_updated',
        message: { ...message(2, 'hi everyone', 'alice'), editedAt: at },
      });
      await run.printed('[12:00:01] #2 alice (edited): hi everyone');
      server.push({ type: 'message_deleted', roomId: 'r', seq: 2 });
      await run.printed('* #2 was deleted');
      server.push({
        type: 'member_update',
        roomId: 'r',
        userId: 'carol',
        role: 'admin',
        change: 'added',
      });
      await run.printed('* carol was added to r as admin');
      server.push({ type: 'member_update', roomId: 'r', userId: 'dave', change: 'muted' });
      await run.printed('* dave was muted in r');
      server.push({ type: 'removed', roomId: 'r', reason: 'banned' });
      await run.printed('! you were banned from r; /join or /dm to go on elsewhere');
      await quit(run);
    });
  });

  it('shows who is typing in the prompt, reactions, replies and status as they come', async () => {
    const server = scripted({
      react: (f) => ({
        type: 'ack',
        message: { ...message(1, 'typo'), reactions: [{ emoji: f.emoji, count: 1, me: true }] },
      }),
    });
    await withStandIn(server.onConnection, async (port) => {
      const run = await chatIn(port);
      server.push({ type: 'typing', roomId: 'r', userId: 'ana', state: 'start' });
      await run.printed('(ana is typing…) > ');
      server.push({
        type: 'new_message',
        message: { ...message(2, 'see above', 'ana'), replyTo: 1 },
      });
      // Her message ends her typing: the prompt after it is plain again.
      await run.printed('[12:00:01] #2 ana ↪ #1: see above\n> ');
      server.push({ type: 'reaction', roomId: 'r', seq: 2, userId: 'bo', emoji: '👍', on: true });
      await run.printed('* bo reacted 👍 to #2');
      server.push({ type: 'presence', roomId: 'r', userId: 'bo', status: 'away', text: 'lunch' });
      await run.printed('* bo is away: lunch');
      type(run, '/react 1 🎉');
      expect(await server.received('react')).toMatchObject({ seq: 1, emoji: '🎉', on: true });
      await run.printed('[12:00:01] #1 u: typo  🎉 1');
      await quit(run);
    });
  });
});
