import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/default.js';
import { logger } from '../../functions/runtime/logger.js';
import { useInProcessSender } from '../../functions/runtime/senders.js';
import { lambdaContext, messageEvent, newConnectionId } from '../support/events.js';
import { type FakeWorld, fakeWorld, uninstallRuntime } from '../support/fakes.js';

let world: FakeWorld;

// No runtime is installed: $default answers with a sender alone.
beforeEach(async () => {
  world = fakeWorld();
  await uninstallRuntime();
  useInProcessSender(world.sender);
});

afterEach(() => {
  useInProcessSender(undefined);
  vi.unstubAllEnvs();
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
    // With neither DATABASE_URL nor DB_SECRET_ARN the runtime cannot be created; a route
    // that tried would log it as unavailable.
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('DB_SECRET_ARN', '');
    const errors = vi.spyOn(logger, 'error');
    expect(await call({ action: 'dance', requestId: 'r-3' })).toMatchObject({
      type: 'error',
      code: 'unknown_action',
      requestId: 'r-3',
    });
    expect(errors).not.toHaveBeenCalled();
  });
});
