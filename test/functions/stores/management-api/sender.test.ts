import {
  ApiGatewayManagementApiClient,
  ForbiddenException,
  GoneException,
  LimitExceededException,
  PayloadTooLargeException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { StoreUnavailableError } from '../../../../functions/core/errors.js';
import { type Replier, replyTo } from '../../../../functions/runtime/replies.js';
import { makeSendMessageHandler } from '../../../../functions/send-message.js';
import { isGone, ManagementApiSender } from '../../../../functions/stores/management-api/sender.js';
import { DOMAIN_NAME, lambdaContext, messageEvent, STAGE } from '../../../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld, RecordingLogger } from '../../../support/fakes.js';

function gone(): GoneException {
  return new GoneException({
    message: 'Gone',
    $metadata: { httpStatusCode: 410, requestId: 'req-gone' },
  });
}

let client: ApiGatewayManagementApiClient;
let mock: AwsClientStub<ApiGatewayManagementApiClient>;
let log: RecordingLogger;
let sender: ManagementApiSender;

beforeEach(() => {
  client = new ApiGatewayManagementApiClient({
    endpoint: `https://${DOMAIN_NAME}/${STAGE}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  mock = mockClient(client);
  log = new RecordingLogger();
  sender = new ManagementApiSender(
    { endpoint: `https://${DOMAIN_NAME}/${STAGE}`, concurrency: 2, log },
    client,
  );
});

afterEach(() => {
  mock.restore();
});

describe('isGone', () => {
  it('knows a GoneException and any 410', () => {
    expect(isGone(gone())).toBe(true);
    expect(isGone({ name: 'GoneException' })).toBe(true);
    expect(isGone({ name: 'Whatever', $metadata: { httpStatusCode: 410 } })).toBe(true);
    expect(isGone(new Error('Gone'))).toBe(false);
    expect(isGone({ name: 'ForbiddenException', $metadata: { httpStatusCode: 403 } })).toBe(false);
    expect(isGone(null)).toBe(false);
    expect(isGone(undefined)).toBe(false);
  });
});

describe('ManagementApiSender', () => {
  it('send posts the frame and resolves true', async () => {
    mock.on(PostToConnectionCommand).resolves({});
    expect(await sender.send('c1', '{"type":"left","roomId":"a"}')).toBe(true);
    const calls = mock.commandCalls(PostToConnectionCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.ConnectionId).toBe('c1');
    expect(Buffer.from(input?.Data as Uint8Array).toString()).toBe('{"type":"left","roomId":"a"}');
  });

  it('send resolves false on 410', async () => {
    mock.on(PostToConnectionCommand).rejects(gone());
    expect(await sender.send('c1', '{}')).toBe(false);
  });

  it('send rethrows any other error', async () => {
    const forbidden = new ForbiddenException({
      message: 'Forbidden',
      $metadata: { httpStatusCode: 403 },
    });
    mock.on(PostToConnectionCommand).rejects(forbidden);
    await expect(sender.send('c1', '{}')).rejects.toBe(forbidden);
  });

  it('send turns a post refused for now (429, timeout) into unavailable', async () => {
    mock.on(PostToConnectionCommand).rejects(
      new LimitExceededException({
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 429 },
      }),
    );
    const error = await sender.send('c1', '{}').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).code).toBe('unavailable');
  });

  it('replies again to a caller whose reply the quota refused, then gives up', async () => {
    const posted: string[] = [];
    let refusals = 2;
    let cause: unknown = new LimitExceededException({
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 429 },
    });
    const flaky: Replier = {
      sender: {
        async send(connectionId, data) {
          if (refusals-- > 0) throw new StoreUnavailableError('API Gateway', { cause });
          posted.push(`${connectionId} ${data}`);
          return true;
        },
        broadcast: () => Promise.reject(new Error('unused')),
      },
    };
    const waits: number[] = [];
    const event = messageEvent('{}');
    const frame = { type: 'left' as const, roomId: 'r' };
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    expect(await replyTo(flaky, event, frame, sleep)).toBe(true);
    expect(waits).toEqual([100, 300]);
    expect(posted).toEqual([`${event.requestContext.connectionId} {"type":"left","roomId":"r"}`]);
    refusals = 10;
    await expect(replyTo(flaky, event, frame, sleep)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(waits).toEqual([100, 300, 100, 300, 900]);
    // A reply that timed out was tried twice by the SDK already: not again here.
    cause = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    waits.length = 0;
    await expect(replyTo(flaky, event, frame, sleep)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(waits).toEqual([]);
  });

  it('broadcast reports 410s as gone, what may pass later to retry, and counts the rest', async () => {
    const throttled = new LimitExceededException({
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 429 },
    });
    const tooLarge = new PayloadTooLargeException({
      message: 'Message too long',
      $metadata: { httpStatusCode: 413 },
    });
    mock
      .on(PostToConnectionCommand)
      .resolves({})
      .on(PostToConnectionCommand, { ConnectionId: 'gone-1' })
      .rejects(gone())
      .on(PostToConnectionCommand, { ConnectionId: 'gone-2' })
      .rejects(gone())
      .on(PostToConnectionCommand, { ConnectionId: 'broken' })
      .rejects(new Error('socket hang up'))
      .on(PostToConnectionCommand, { ConnectionId: 'throttled' })
      .rejects(throttled)
      .on(PostToConnectionCommand, { ConnectionId: 'too-large' })
      .rejects(tooLarge);

    const ids = ['ok-1', 'gone-1', 'broken', 'ok-2', 'gone-2', 'throttled', 'too-large'];
    const result = await sender.broadcast(ids, '{"type":"new_message"}');
    expect([...result.gone].sort()).toEqual(['gone-1', 'gone-2']);
    expect([...result.retry].sort()).toEqual(['broken', 'throttled']);
    expect(result.failed).toBe(1);
    const posted = mock
      .commandCalls(PostToConnectionCommand)
      .map((c) => c.args[0].input.ConnectionId);
    expect([...posted].sort()).toEqual([...ids].sort());
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });

  it('broadcast to nobody posts nothing', async () => {
    expect(await sender.broadcast([], '{}')).toEqual({ gone: [], retry: [], failed: 0 });
    expect(mock.commandCalls(PostToConnectionCommand)).toHaveLength(0);
  });
});

describe('send_message over the real sender', () => {
  let world: FakeWorld;

  beforeEach(async () => {
    world = fakeWorld();
    world.deps.sender = sender;
  });

  it('acks, and removes a recipient whose post answered 410 from every store', async () => {
    mock.on(PostToConnectionCommand).resolves({});
    const noReply = async () => undefined;
    for (const [connectionId, userId] of [
      ['alice-1', 'alice'],
      ['bob-1', 'bob'],
      ['carol-1', 'carol'],
    ] as const) {
      await world.connections.putConnection({ connectionId, userId, connectedAt: 1 });
      await joinRoom(world.deps, { connectionId, userId }, { roomId: 'lobby' }, noReply);
    }
    expect(await world.connections.isInRoom('lobby', 'bob-1')).toBe(true);
    // Bob's socket goes away without a $disconnect.
    mock.on(PostToConnectionCommand, { ConnectionId: 'bob-1' }).rejects(gone());
    mock.resetHistory();

    const event = messageEvent(
      { action: 'send_message', roomId: 'lobby', content: 'hi', requestId: 'r' },
      { connectionId: 'alice-1', userId: 'alice' },
    );
    expect(await makeSendMessageHandler(fakeWiring(world))(event, lambdaContext())).toEqual({
      statusCode: 200,
    });

    const posts = mock.commandCalls(PostToConnectionCommand).map((c) => ({
      to: c.args[0].input.ConnectionId,
      frame: JSON.parse(Buffer.from(c.args[0].input.Data as Uint8Array).toString()) as {
        type: string;
      },
    }));
    // The sender gets its ack, then (with Carol) Bob's offline presence.
    expect(posts.filter((p) => p.to === 'alice-1').map((p) => p.frame.type)).toEqual([
      'ack',
      'presence',
    ]);
    expect(posts.filter((p) => p.to === 'carol-1').map((p) => p.frame.type)).toEqual([
      'new_message',
      'presence',
    ]);
    expect(await world.connections.getConnection('bob-1')).toBeUndefined();
    expect(await world.connections.isInRoom('lobby', 'bob-1')).toBe(false);
    expect(await world.cache.isInRoom('lobby', 'bob-1')).toBe(false);
  });
});
