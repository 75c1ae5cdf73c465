/**
 * The read-state function: the mark_read route through the shell (validation, the rate
 * limit the action awaits itself, errors as frames).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import type { Caller } from '../../functions/core/message.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';
import { makeReadStateHandler } from '../../functions/read-state.js';
import { logger } from '../../functions/runtime/logger.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { lambdaContext, messageEvent } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld, replyTo } from '../support/fakes.js';

let world: FakeWorld;
let handler: WebSocketHandler;
const bob: Caller = { connectionId: 'b1', userId: 'bob' };

beforeEach(async () => {
  world = fakeWorld({ frameBurstPerConnection: 3 });
  handler = makeReadStateHandler(fakeWiring(world));
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  await world.connections.putConnection({ ...bob, connectedAt: 1 });
  await joinRoom(world.deps, bob, { roomId: 'lobby' }, replyTo(world, bob));
  await sendMessage(world.deps, bob, { roomId: 'lobby', content: 'hi' }, replyTo(world, bob));
  world.sender.clear();
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function call(frame: Record<string, unknown>): Promise<ServerFrame[]> {
  const before = world.sender.framesTo('b1').length;
  const event = messageEvent(frame, { ...bob, routeKey: 'mark_read' });
  expect(await handler(event, lambdaContext())).toEqual({ statusCode: 200 });
  return world.sender.framesTo('b1').slice(before);
}

describe('read-state', () => {
  it('answers mark_read with read_state, echoing requestId', async () => {
    expect(await call({ action: 'mark_read', roomId: 'lobby', seq: 1, requestId: 'r1' })).toEqual([
      { type: 'read_state', roomId: 'lobby', readSeq: 1, unread: 0, requestId: 'r1' },
    ]);
  });

  it('refuses a malformed mark as bad_request', async () => {
    for (const seq of [-1, 1.5, '2', undefined]) {
      expect(await call({ action: 'mark_read', roomId: 'lobby', seq })).toEqual([
        expect.objectContaining({ type: 'error', code: 'bad_request' }),
      ]);
    }
  });

  it('charges every mark to the rate limits, refusing past the burst', async () => {
    const mark = { action: 'mark_read', roomId: 'lobby', seq: 1 };
    for (let i = 0; i < 3; i++) expect((await call(mark))[0]?.type).toBe('read_state');
    expect(await call(mark)).toEqual([
      expect.objectContaining({ type: 'error', code: 'rate_limited' }),
    ]);
  });
});
