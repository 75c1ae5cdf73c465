import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeDefaultHandler } from '../../functions/default.js';
import { logger } from '../../functions/runtime/logger.js';
import type { HandlerWiring } from '../../functions/runtime/wiring.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { lambdaContext, messageEvent, newConnectionId } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

let world: FakeWorld;
let handler: WebSocketHandler;

// $default is given a sender alone: it has no runtime to create.
beforeEach(() => {
  world = fakeWorld();
  handler = makeDefaultHandler({ replySender: () => world.sender });
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function call(frame: Record<string, unknown> | string) {
  const connectionId = newConnectionId();
  const result = await handler(
    messageEvent(frame, { connectionId, routeKey: '$default' }),
    lambdaContext(),
  );
  expect(result).toEqual({ statusCode: 200 });
  const frames = world.sender.framesTo(connectionId);
  expect(frames).toHaveLength(1);
  return frames[0];
}

describe('$default', () => {
  it('answers an unknown action with unknown_action and echoes requestId', async () => {
    expect(await call({ action: 'dance', requestId: 'r-1' })).toEqual({
      type: 'error',
      code: 'unknown_action',
      message: 'Unknown action: dance',
      requestId: 'r-1',
    });
  });

  it('answers unknown_action without requestId when the frame had none', async () => {
    const reply = await call({ action: 'dance' });
    expect(reply).toMatchObject({ type: 'error', code: 'unknown_action' });
    expect(reply).not.toHaveProperty('requestId');
  });

  it('cuts a long unknown action name in its message', async () => {
    const reply = await call({ action: 'x'.repeat(1000) });
    expect(reply?.type === 'error' && reply.message.length).toBeLessThan(100);
  });

  it.each([
    ['no action', { roomId: 'a', requestId: 'r-2' }],
    ['a numeric action', { action: 5, requestId: 'r-2' }],
    ['a null action', { action: null, requestId: 'r-2' }],
  ])('answers bad_request for %s, echoing requestId', async (_, frame) => {
    expect(await call(frame)).toMatchObject({
      type: 'error',
      code: 'bad_request',
      requestId: 'r-2',
    });
  });

  it.each([
    ['not JSON', 'hello there'],
    ['truncated JSON', '{"action":"join_room",'],
    ['a JSON array', '[{"action":"join_room"}]'],
    ['a JSON string', '"join_room"'],
    ['JSON null', 'null'],
    ['an empty frame', ''],
  ])('answers bad_request for %s', async (_, body) => {
    const reply = await call(body);
    expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(reply).not.toHaveProperty('requestId');
  });

  it('answers bad_request for an invalid requestId, without echoing it', async () => {
    const reply = await call({ action: 'dance', requestId: 'r'.repeat(65) });
    expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(reply).not.toHaveProperty('requestId');
  });

  it('answers without creating the runtime, so a broken configuration or store does not matter', async () => {
    // Given a whole wiring whose runtime cannot be created (a broken configuration), it
    // never asks for that runtime and logs nothing.
    const runtime = vi.fn(() => Promise.reject(new Error('Invalid configuration')));
    const wiring: HandlerWiring = { ...fakeWiring(world), runtime };
    handler = makeDefaultHandler(wiring);
    const errors = vi.spyOn(logger, 'error');
    expect(await call({ action: 'dance', requestId: 'r-3' })).toMatchObject({
      type: 'error',
      code: 'unknown_action',
      requestId: 'r-3',
    });
    expect(runtime).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
  });
});
