/**
 * A room bigger than one invocation can serve, under AWS's runtime model: a 600 ms Lambda
 * timeout and 40 ms per PostToConnection (within the 10-50 ms AWS's posts take). The inline
 * fan-out (a pool of 64 posts in one send_message invocation) needs 1,500 / 64 x 40 ms,
 * about 940 ms, for 1,500 members, so the invocation is ended part-way; every member must
 * still get the message, once. (The slower post rather than more members keeps the same
 * overrun for half the handshakes and joins, which were most of this file's time in CI.)
 *
 * The real handlers, the SDK sender (as on AWS), and 1,500 virtual members (one user, so
 * the joins announce nothing) that count what they receive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../local/gateway/index.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

const MEMBERS = 1_500;
/**
 * Handshakes and joins in flight: few, so that on a loaded machine none nears the 600 ms
 * timeout; one that does anyway is retried, as its client would.
 */
const CONCURRENCY = 4;
const ATTEMPTS = 5;

/** Opens `count` members; a handshake refused (its invocation timed out) is tried again. */
async function openMembers(gateway: Gateway, count: number, token: string): Promise<string[]> {
  const ids: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS && ids.length < count; attempt++) {
    const opened = await gateway.virtual.open(count - ids.length, {
      token,
      concurrency: CONCURRENCY,
    });
    ids.push(...opened.connectionIds);
  }
  return ids;
}

/** Joins every member to `room`; one whose join failed (timed out) joins again. */
async function joinAll(gateway: Gateway, ids: readonly string[], room: string): Promise<number> {
  const { virtual } = gateway;
  const joined = virtual.watch(`"type":"room_history","roomId":"${room}"`);
  const join = JSON.stringify({ action: 'join_room', roomId: room, limit: 1 });
  // The first join alone fills the room's cache; the others then join the cached room.
  await virtual.sendMany(ids.slice(0, 1), join);
  let missing = ids.slice(1);
  for (let attempt = 0; attempt < ATTEMPTS && missing.length > 0; attempt++) {
    await virtual.sendMany(missing, join, { concurrency: CONCURRENCY });
    missing = missing.filter((id) => !joined.has(id));
  }
  joined.stop();
  return joined.snapshot().connections;
}

describe('a big room under AWS limits', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley(
      {},
      {
        limits: {
          lambdaTimeouts: { timeoutMs: 600 },
          postLatencyMs: { minMs: 40, maxMs: 40 },
        },
        platformLog: () => {}, // a send_message past its timeout is the point, not noise
      },
    );
  });
  afterAll(() => parley.close());

  it('gets every member one send_message exactly once', { timeout: 300_000 }, async () => {
    const { gateway } = parley.server;
    const room = uid('big');
    const members = await openMembers(gateway, MEMBERS, await parley.token(uid('member')));
    expect(members).toHaveLength(MEMBERS);
    expect(await joinAll(gateway, members, room)).toBe(MEMBERS);

    const sender = await parley.connect(uid('alice'));
    await sender.join(room);
    const content = uid('to-everyone');
    const delivered = gateway.virtual.watch(content);
    await sender.send(room, content);
    // Resolves once all have it; on a fan-out that loses part of the room, at the bound.
    const result = await delivered.until(MEMBERS, 60_000);
    expect(result).toMatchObject({ connections: MEMBERS, frames: MEMBERS });
    await sender.close();
  });
});
