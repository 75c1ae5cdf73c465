/**
 * The message-edits function: one handler for the edit_message and delete_message routes,
 * dispatching on the frame's action (functions/runtime/message-route.ts `messageRoutes`).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import type { Caller } from '../../functions/core/message.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';
import { makeMessageEditsHandler } from '../../functions/message-edits.js';
import { logger } from '../../functions/runtime/logger.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { lambdaContext, messageEvent } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld, replyTo } from '../support/fakes.js';

let world: FakeWorld;
let handler: WebSocketHandler;
const bob: Caller = { connectionId: 'b1', userId: 'bob' };

beforeEach(async () => {
  world = fakeWorld({ maxMessageChars: 10 });
  handler = makeMessageEditsHandler(fakeWiring(world));
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  await world.connections.putConnection({ ...bob, connectedAt: 1 });
  await joinRoom(world.deps, bob, { roomId: 'lobby' }, replyTo(world, bob));
  await sendMessage(world.deps, bob, { roomId: 'lobby', content: 'helo' }, replyTo(world, bob));
  world.sender.clear();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Sends a frame on `routeKey` (its action by default); the frames it sent back to bob. */
async function call(frame: Record<string, unknown>, routeKey?: string): Promise<ServerFrame[]> {
  const before = world.sender.framesTo('b1').length;
  const event = messageEvent(frame, { connectionId: 'b1', userId: 'bob', routeKey });
  expect(await handler(event, lambdaContext())).toEqual({ statusCode: 200 });
  return world.sender.framesTo('b1').slice(before);
}

describe('message-edits', () => {
  it('serves both routes, each with its own action, echoing requestId', async () => {
    const [edited] = await call({
      action: 'edit_message',
      roomId: 'lobby',
      seq: 1,
      content: 'hello',
      requestId: 'e1',
    });
    expect(edited).toMatchObject({ type: 'ack', requestId: 'e1', message: { content: 'hello' } });
    const [deleted] = await call({ action: 'delete_message', roomId: 'lobby', seq: 1 });
    expect(deleted).toMatchObject({ type: 'ack', message: { seq: 1, deleted: true } });
  });

  it("validates each frame against its own action's schema and limits", async () => {
    expect(await call({ action: 'edit_message', roomId: 'lobby', seq: 1 })).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request' }),
    ]);
    expect(
      await call({ action: 'edit_message', roomId: 'lobby', seq: 1, content: 'x'.repeat(11) }),
    ).toEqual([expect.objectContaining({ type: 'error', code: 'payload_too_large' })]);
    expect(await call({ action: 'delete_message', roomId: 'lobby', seq: 0 })).toEqual([
      expect.objectContaining({ type: 'error', code: 'bad_request' }),
    ]);
  });

  it('answers unknown_action to an action it does not serve', async () => {
    const frames = await call(
      { action: 'send_message', roomId: 'lobby', content: 'x', requestId: 's1' },
      'edit_message',
    );
    expect(frames).toEqual([expect.objectContaining({ type: 'error', code: 'unknown_action' })]);
    expect(frames[0]).toMatchObject({ requestId: 's1' });
  });
});
