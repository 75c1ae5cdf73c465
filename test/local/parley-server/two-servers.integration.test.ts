/**
 * Two Parley servers in one process, the test that their wiring is explicit: each has its
 * own gateway, runtime, Redis key prefix (or stand-in cache) and connections table, over
 * one PostgreSQL database, and both serve a room of the same name. A message sent on one is
 * delivered on that one only, and closing one leaves the other serving.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../functions/core/message.js';
import { ensureConnectionsTable } from '../../../functions/stores/dynamodb/table.js';
import type { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { testDynamo, uid } from '../../support/services.js';

const contents = (client: ChatClient, roomId: string) =>
  client.received(roomId).map((m: Message) => m.content);

describe.each(['direct', 'sdk'] as const)('two servers in one process, %s sender', (sender) => {
  const table = uid('parley-second');
  let first: TestParley;
  let second: TestParley;

  beforeAll(async () => {
    const dynamo = testDynamo();
    try {
      await ensureConnectionsTable(dynamo, table);
    } finally {
      dynamo.destroy();
    }
    first = await startTestParley({}, { sender });
    second = await startTestParley({ CONNECTIONS_TABLE: table }, { sender });
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
    const dynamo = testDynamo();
    try {
      await dynamo.send(new DeleteTableCommand({ TableName: table }));
    } finally {
      dynamo.destroy();
    }
  });

  it('delivers a message on the server it was sent to, and only there', async () => {
    expect(first.redisPrefix).not.toBe(second.redisPrefix);
    const room = uid();
    const alice = await first.connect(uid('alice'));
    const bob = await first.connect(uid('bob'));
    const carol = await second.connect(uid('carol'));
    const dave = await second.connect(uid('dave'));
    for (const client of [alice, bob, carol, dave]) await client.join(room);

    await alice.send(room, 'on the first');
    await bob.nextMessage(room, 'on the first');
    // Sent after the first server's delivery: a frame of it that strayed to the second
    // server's connections would have gone out in that same broadcast, before this one.
    await carol.send(room, 'on the second');
    await dave.nextMessage(room, 'on the second');

    expect(contents(bob, room)).toEqual(['on the first']);
    expect(contents(dave, room)).toEqual(['on the second']);
    expect(contents(alice, room)).toEqual([]);
    expect(contents(carol, room)).toEqual([]);
    for (const client of [alice, bob, carol, dave]) await client.close();
  });

  it('closes one server and leaves the other serving, then closes that one too', async () => {
    const room = uid();
    const erin = await first.connect(uid('erin'));
    const frank = await second.connect(uid('frank'));
    const grace = await second.connect(uid('grace'));
    for (const client of [erin, frank, grace]) await client.join(room);

    await first.close();
    expect((await erin.closed).code).toBe(1001);

    // The second server's runtime, clients and connections are its own: still there.
    await frank.send(room, 'after the first closed');
    await grace.nextMessage(room, 'after the first closed');

    await second.close();
    expect((await frank.closed).code).toBe(1001);
    expect((await grace.closed).code).toBe(1001);
  });
});
