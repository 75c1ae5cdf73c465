/**
 * LAMBDA_TIMEOUT_MS: an invocation past its timeout ends as Lambda ends it (Lambda's line,
 * a failed invocation as API Gateway sees it), and nothing it posts after its deadline is
 * delivered, in-process or through the real SDK client.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { Context, WebSocketHandler } from '../../../functions/shared/apigw-events.js';
import { ManagementApiSender } from '../../../functions/stores/management-api/sender.js';
import {
  type Gateway,
  type GatewayOptions,
  LambdaTimeoutError,
} from '../../../local/gateway/index.js';
import {
  connect,
  deferred,
  gatewayPerTest,
  nextServerRequest,
  Recorder,
  refusedStatus,
} from './helpers.js';

const startGateway = gatewayPerTest();

/** Lambda's line: the invocation's request id, then the timeout in seconds. */
const lambdaLine = (seconds: string) =>
  new RegExp(`^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12} Task timed out after ${seconds} seconds$`);
const TIMED_OUT = lambdaLine('0\\.10');

/** A handler that never finishes: only the timeout ends its invocation. */
const never: WebSocketHandler = () => new Promise(() => {});

interface Setup {
  gw: Gateway;
  /** Lambda's own lines, as logged. */
  lines: string[];
  /** The gateway's log messages. */
  logged: string[];
  /** Resolves with the next Lambda line. */
  nextLine(): Promise<string>;
  /** Resolves once the gateway has logged `message`. */
  logs(message: string): Promise<void>;
}

async function start(options: Partial<GatewayOptions> = {}): Promise<Setup> {
  const lines: string[] = [];
  const logged: string[] = [];
  let waiting: ((line: string) => void)[] = [];
  let logWaiters: { message: string; resolve: () => void }[] = [];
  const gateway = await startGateway({
    port: 0,
    routes: new Recorder().routes(),
    log: (message) => {
      logged.push(message);
      for (const waiter of logWaiters) if (waiter.message === message) waiter.resolve();
      logWaiters = logWaiters.filter((w) => w.message !== message);
    },
    limits: { lambdaTimeouts: { timeoutMs: 100 } },
    platformLog: (line) => {
      lines.push(line);
      for (const resolve of waiting) resolve(line);
      waiting = [];
    },
    ...options,
  });
  return {
    gw: gateway,
    lines,
    logged,
    nextLine: () => new Promise((resolve) => waiting.push(resolve)),
    logs: (message) =>
      logged.includes(message)
        ? Promise.resolve()
        : new Promise((resolve) => logWaiters.push({ message, resolve })),
  };
}

/** Parley's sender on the real ApiGatewayManagementApiClient, as the handlers make it. */
function sdkSender(gw: Gateway): ManagementApiSender {
  return new ManagementApiSender({
    endpoint: gw.callbackUrl,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}

function routes(extra: Record<string, WebSocketHandler>): Record<string, WebSocketHandler> {
  return { ...new Recorder().routes(), ...extra };
}

describe('an invocation past its timeout', () => {
  it("logs Lambda's line and answers a MESSAGE route with AWS's error frame", async () => {
    const { gw, lines } = await start({ routes: routes({ slow: never }) });
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    const errors = gw.virtual.watch('"message": "Internal server error"');
    vi.useFakeTimers();
    const sent = gw.virtual.send(id, '{"action":"slow"}');
    await vi.advanceTimersByTimeAsync(99);
    expect(lines).toEqual([]);
    expect(errors.snapshot().frames).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await sent;
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(TIMED_OUT);
    expect(errors.snapshot()).toMatchObject({ connections: 1, frames: 1 });
  });

  it('refuses the handshake when $connect or the authorizer times out', async () => {
    const { gw, lines } = await start({ routes: routes({ $connect: never }) });
    expect(await refusedStatus(gw.url)).toMatchObject({ status: 500 });
    expect(lines[0]).toMatch(TIMED_OUT);
    const authorizer = () => new Promise<APIGatewayAuthorizerResult>(() => {});
    const second = await start({ authorizer });
    expect(await refusedStatus(`${second.gw.url}/?token=t`)).toMatchObject({ status: 500 });
    expect(second.lines[0]).toMatch(TIMED_OUT);
  });

  it('only logs a $disconnect that times out: the connection is gone either way', async () => {
    const { gw, logs, nextLine } = await start({ routes: routes({ $disconnect: never }) });
    const client = await connect(gw.url);
    const line = nextLine();
    client.ws.close();
    expect(await line).toMatch(TIMED_OUT);
    await logs('$disconnect timed out');
  });

  it("makes the context's remaining time agree with the enforced timeout", async () => {
    const remaining: Record<string, number> = {};
    const record =
      (name: string): WebSocketHandler =>
      async (_event, context: Context) => {
        remaining[name] = context.getRemainingTimeInMillis();
        return { statusCode: 200 };
      };
    const authorizer = async (_event: unknown, context: Context) => {
      remaining.authorizer = context.getRemainingTimeInMillis();
      return {
        principalId: 'u',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow' as const, Resource: '*' }],
        },
      };
    };
    // The stack's own timeouts: 10 s for a route, 5 s for the authorizer.
    const { gw } = await start({
      routes: routes({ $connect: record('$connect') }),
      authorizer,
      limits: { lambdaTimeouts: {} },
    });
    vi.useFakeTimers();
    await gw.virtual.open(1, { token: 't' });
    expect(remaining).toEqual({ authorizer: 5_000, $connect: 10_000 });
  });
});

describe('posts from an invocation past its deadline', () => {
  it('are not delivered in-process, whether made after it or in flight at it', async () => {
    const past = deferred();
    const outcomes = deferred<unknown[]>();
    const targets: string[] = [];
    let gw: Gateway | undefined;
    const late: WebSocketHandler = async () => {
      if (!gw) throw new Error('no gateway');
      const [a = '', b = '', c = ''] = targets;
      // One post at a time, 60 ms each: the first lands at 60 ms; the second, started then,
      // would land at 120 ms, past the 100 ms deadline; the last two are never made.
      const inFlight = await gw
        .postToConnections([a, b, c, a], Buffer.from('batch'), { concurrency: 1 })
        .catch((e: unknown) => e);
      await past.promise;
      const after = await Promise.allSettled([
        gw.postToConnection(a, 'after'),
        gw.postToConnections([a, b, c], Buffer.from('after')),
      ]);
      outcomes.resolve([inFlight, ...after.map((r) => (r.status === 'rejected' ? r.reason : r))]);
      return { statusCode: 200 };
    };
    const setup = await start({
      routes: routes({ late }),
      limits: { lambdaTimeouts: { timeoutMs: 100 }, postLatencyMs: { minMs: 60, maxMs: 60 } },
    });
    gw = setup.gw;
    const [sender = '', ...rest] = (await gw.virtual.open(4)).connectionIds;
    targets.push(...rest);
    const batch = gw.virtual.watch('batch');
    const after = gw.virtual.watch('after');
    vi.useFakeTimers();
    const sent = gw.virtual.send(sender, '{"action":"late"}');
    await vi.advanceTimersByTimeAsync(200);
    await sent;
    expect(setup.lines[0]).toMatch(TIMED_OUT);
    past.resolve();
    const results = await outcomes.promise;
    expect(results).toHaveLength(3);
    for (const result of results) expect(result).toBeInstanceOf(LambdaTimeoutError);
    expect(batch.snapshot()).toMatchObject({ connections: 1, frames: 1 });
    expect(after.snapshot()).toMatchObject({ connections: 0, frames: 0 });
  });

  it("are cut on the SDK path: Parley's sender with the real client delivers nothing late", async () => {
    const results = deferred<unknown[]>();
    let timedOut: Promise<string> = Promise.resolve('');
    let sender: ManagementApiSender | undefined;
    const targets: string[] = [];
    const late: WebSocketHandler = async () => {
      await timedOut; // Lambda has ended this invocation; what follows runs on regardless
      const [a = '', b = ''] = targets;
      const after = await sender?.broadcast([a, b], 'after');
      const single = await sender?.send(a, 'after').catch((e: unknown) => e);
      results.resolve([after, single]);
      return { statusCode: 200 };
    };
    const { gw, nextLine } = await start({
      routes: routes({ late }),
      limits: { lambdaTimeouts: { timeoutMs: 100 } },
    });
    sender = sdkSender(gw);
    const [caller = '', ...rest] = (await gw.virtual.open(3)).connectionIds;
    targets.push(...rest);
    const afterWatch = gw.virtual.watch('after');
    // The same sender delivers outside a timed-out invocation.
    expect(await sender.send(rest[0] ?? '', 'before')).toBe(true);
    timedOut = nextLine();
    const sent = gw.virtual.send(caller, '{"action":"late"}');
    expect(await timedOut).toMatch(TIMED_OUT);
    await sent;
    const [broadcast, single] = await results.promise;
    // Never reached the gateway: the requests were destroyed as they started.
    expect(broadcast).toEqual({ gone: [], retry: rest, failed: 0 });
    // A post without an answer is `unavailable` to the caller; its cause says why.
    expect((single as Error).cause).toBeInstanceOf(LambdaTimeoutError);
    expect(afterWatch.snapshot()).toMatchObject({ connections: 0, frames: 0 });
  });

  it('destroys an SDK request in flight at the deadline, and the gateway delivers nothing', async () => {
    const results = deferred<unknown>();
    const targets: string[] = [];
    let sender: ManagementApiSender | undefined;
    const late: WebSocketHandler = async () => {
      results.resolve(await sender?.send(targets[0] ?? '', 'in flight').catch((e: unknown) => e));
      return { statusCode: 200 };
    };
    // The post takes 600 ms; the invocation ends at 200 ms, while it waits.
    const setup = await start({
      routes: routes({ late }),
      limits: { lambdaTimeouts: { timeoutMs: 200 }, postLatencyMs: { minMs: 600, maxMs: 600 } },
    });
    const gw = setup.gw;
    sender = sdkSender(gw);
    const [caller = '', target = ''] = (await gw.virtual.open(2)).connectionIds;
    targets.push(target);
    // A first call outside the invocation readies the client (its socket, its credentials).
    expect(await sender.send(target, 'warm')).toBe(true);
    const watcher = gw.virtual.watch('in flight');
    const arrived = nextServerRequest();
    const timedOut = setup.nextLine();
    void gw.virtual.send(caller, '{"action":"late"}');
    await arrived;
    expect(await timedOut).toMatch(lambdaLine('0\\.20'));
    expect(((await results.promise) as Error).cause).toBeInstanceOf(LambdaTimeoutError);
    await setup.logs('@connections call dropped: its client hung up');
    expect(watcher.snapshot()).toMatchObject({ connections: 0, frames: 0 });
  });
});

describe('the invocation runner, for other event sources', () => {
  it('rejects with a LambdaTimeoutError at the timeout the caller gives, and cuts its posts', async () => {
    const { gw, lines } = await start({ limits: { lambdaTimeouts: {} } });
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    const posted = deferred<unknown>();
    const past = deferred();
    vi.useFakeTimers();
    const run = gw.lambda
      .invoke(
        'fanout-worker',
        async (event: { ids: string[] }) => {
          await past.promise;
          posted.resolve(
            await gw.postToConnections(event.ids, Buffer.from('late')).catch((e: unknown) => e),
          );
          return 'done';
        },
        { ids: [id] },
        { timeoutMs: 50 },
      )
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    const error = await run;
    expect(error).toBeInstanceOf(LambdaTimeoutError);
    expect(error).toMatchObject({ functionName: 'fanout-worker', timeoutMs: 50 });
    expect(lines[0]).toMatch(lambdaLine('0\\.05'));
    past.resolve();
    expect(await posted.promise).toBeInstanceOf(LambdaTimeoutError);
    expect(gw.virtual.received(id)).toBe(0);
  });

  it("lets LAMBDA_TIMEOUT_MS replace the API's timeouts, not one a function is given", async () => {
    const { gw } = await start({ limits: { lambdaTimeouts: { timeoutMs: 30 } } });
    vi.useFakeTimers();
    const route = gw.lambda.invoke('send_message', () => new Promise(() => {}), {});
    const worker = gw.lambda.invoke(
      'fanout-worker',
      () => new Promise(() => {}),
      {},
      {
        timeoutMs: 60,
      },
    );
    const outcomes = [route, worker].map((run) => run.catch((e: unknown) => e));
    await vi.advanceTimersByTimeAsync(30);
    expect(await outcomes[0]).toMatchObject({ name: 'LambdaTimeoutError', timeoutMs: 30 });
    await vi.advanceTimersByTimeAsync(30);
    expect(await outcomes[1]).toMatchObject({ name: 'LambdaTimeoutError', timeoutMs: 60 });
  });

  it('runs to the end when timeouts are not enforced, the context still counting down', async () => {
    const { gw, lines } = await start({ limits: {} });
    vi.useFakeTimers();
    const run = gw.lambda.invoke(
      'fanout-worker',
      async (_event: unknown, context: Context) => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        return context.getRemainingTimeInMillis();
      },
      {},
      { timeoutMs: 50 },
    );
    await vi.advanceTimersByTimeAsync(80);
    expect(await run).toBe(0);
    expect(lines).toEqual([]);
  });
});
