/**
 * The fan-out worker's Lambda entry: each SQS record is one job; a record that fails is
 * reported alone in `batchItemFailures` so SQS brings back only it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RoomConnection } from '../../functions/core/message.js';
import {
  type FanoutWorkerHandler,
  makeFanoutWorkerHandler,
} from '../../functions/fanout-worker.js';
import { encodeJob } from '../../functions/stores/sqs/job-codec.js';
import { lambdaContext, sqsEvent } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

let world: FakeWorld;
let handler: FanoutWorkerHandler;
beforeEach(() => {
  world = fakeWorld();
  handler = makeFanoutWorkerHandler(fakeWiring(world));
});

const ENDPOINT = 'https://abc123defg.execute-api.us-east-1.amazonaws.com/test';
const to = (...ids: string[]): RoomConnection[] =>
  ids.map((id) => ({ connectionId: id, userId: `u-${id}` }));
const deliverBody = (ids: string[], frame = '{"type":"new_message"}') =>
  encodeJob({ kind: 'deliver', roomId: 'room', frame, to: to(...ids), attempt: 0 });

describe('fan-out worker', () => {
  it('posts every record of the batch and reports no failure', async () => {
    const result = await handler(
      sqsEvent([
        { body: deliverBody(['a', 'b']), endpoint: ENDPOINT },
        { body: deliverBody(['c']), endpoint: ENDPOINT },
      ]),
      lambdaContext('fanout-worker'),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(world.sender.recipients().sort()).toEqual(['a', 'b', 'c']);
  });

  it('reports a malformed record alone, and still runs the rest', async () => {
    const result = await handler(
      sqsEvent([
        { body: '{"v":1,"kind":"deliver"}', messageId: 'broken', endpoint: ENDPOINT },
        { body: 'not json', messageId: 'garbage', endpoint: ENDPOINT },
        { body: deliverBody(['ok']), messageId: 'fine', endpoint: ENDPOINT },
      ]),
      lambdaContext('fanout-worker'),
    );
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: 'broken' },
      { itemIdentifier: 'garbage' },
    ]);
    expect(world.sender.recipients()).toEqual(['ok']);
  });

  it('reports a record whose retries the queue refused, so SQS brings it back', async () => {
    world.sender.retrying.add('slow');
    world.queue.failing = true;
    const result = await handler(
      sqsEvent([{ body: deliverBody(['slow', 'fast']), messageId: 'm1', endpoint: ENDPOINT }]),
      { ...lambdaContext('fanout-worker'), getRemainingTimeInMillis: () => 100 },
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });

  it('runs a presence count job', async () => {
    await world.connections.addToRoom('room', { connectionId: 'p1', userId: 'ann' });
    await world.connections.addToRoom('room', { connectionId: 'p2', userId: 'bo' });
    const result = await handler(
      sqsEvent([
        { body: encodeJob({ kind: 'presence_count', roomId: 'room' }), endpoint: ENDPOINT },
      ]),
      lambdaContext('fanout-worker'),
    );
    expect(result.batchItemFailures).toEqual([]);
    expect(world.sender.framesTo('p1')).toEqual([
      { type: 'presence_count', roomId: 'room', online: 2 },
    ]);
  });

  it('fails a record that names no endpoint when none is configured', async () => {
    const result = await handler(
      sqsEvent([{ body: deliverBody(['a']), messageId: 'lost' }]),
      lambdaContext('fanout-worker'),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'lost' }]);
  });
});
