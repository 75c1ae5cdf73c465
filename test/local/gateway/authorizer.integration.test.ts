import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  RequestAuthorizerHandler,
} from '../../../functions/shared/apigw-events.js';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { connect, lastConnectionId, Recorder, refusedStatus, silentLog } from './helpers.js';

/** A refused handshake's status, X-Parley-Refusal header (and any injected one) and body. */
function refusalOf(url: string) {
  return new Promise<{ status: number; header: unknown; injected: unknown; body: string }>(
    (resolve, reject) => {
      const ws = new WebSocket(url);
      ws.on('open', () => reject(new Error('handshake unexpectedly succeeded')));
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            header: res.headers['x-parley-refusal'],
            injected: res.headers['x-injected'],
            body,
          }),
        );
      });
      ws.on('error', () => {});
    },
  );
}

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function policy(
  effect: 'Allow' | 'Deny',
  resource: string,
): APIGatewayAuthorizerResult['policyDocument'] {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
  };
}

/** Allows token 'good' as user-1, denies 'denied', throws for the rest as a real one would. */
function makeAuthorizer(seen: APIGatewayRequestAuthorizerEvent[]): RequestAuthorizerHandler {
  return async (event) => {
    seen.push(event);
    const token = event.queryStringParameters?.token;
    if (token === 'good') {
      return {
        principalId: 'user-1',
        policyDocument: policy('Allow', event.methodArn),
        context: { userId: 'user-1', name: 'Ada', admin: false },
      };
    }
    if (token === 'denied') return { principalId: 'user-2', policyDocument: policy('Deny', '*') };
    if (token === 'boom') throw new Error('database down');
    throw new Error('Unauthorized');
  };
}

describe('$connect authorizer', () => {
  it('builds the REQUEST authorizer event AWS sends for a WebSocket $connect', async () => {
    const seen: APIGatewayRequestAuthorizerEvent[] = [];
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      stage: 'prod',
      apiId: 'api42',
      authorizer: makeAuthorizer(seen),
      routes: recorder.routes(),
      log: silentLog,
    });
    await connect(`${gateway.url}/prod?token=good`);
    const event = seen[0];
    expect(event).toMatchObject({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api42/prod/$connect',
      queryStringParameters: { token: 'good' },
      multiValueQueryStringParameters: { token: ['good'] },
      stageVariables: {},
      headers: { Host: `127.0.0.1:${String(gateway.port)}` },
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        stage: 'prod',
        apiId: 'api42',
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    // The authorizer and $connect are one request: same ids.
    const connectEvent = (await recorder.waitForRoute('$connect')).event;
    const authContext = event?.requestContext as unknown as Record<string, unknown>;
    expect(authContext.connectionId).toBe(connectEvent.requestContext.connectionId);
    expect(authContext.requestId).toBe(connectEvent.requestContext.requestId);
  });

  it('puts the Allow context and principalId on $connect and every later event', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      authorizer: makeAuthorizer([]),
      routes: recorder.routes({ send_message: recorder.handler() }),
      log: silentLog,
    });
    const client = await connect(`${gateway.url}?token=good`);
    const id = await lastConnectionId(recorder);
    await client.send('{"action":"send_message"}');
    await client.send('not json');
    await recorder.waitForRoute('send_message');
    await recorder.waitForRoute('$default');
    client.ws.close(1000);
    await recorder.waitForRoute('$disconnect', id);
    const expected = { userId: 'user-1', name: 'Ada', admin: false, principalId: 'user-1' };
    expect(recorder.invocations.map((i) => i.event.requestContext.routeKey)).toEqual([
      '$connect',
      'send_message',
      '$default',
      '$disconnect',
    ]);
    for (const { event } of recorder.invocations) {
      expect(event.requestContext.authorizer).toEqual(expected);
    }
  });

  it.each([
    ['an Unauthorized error', 'bad', 401, '{"message":"Unauthorized"}'],
    ['a Deny policy', 'denied', 403, '{"message":"Forbidden"}'],
    ['any other error', 'boom', 500, '{"message":"Internal server error"}'],
  ])('refuses the handshake on %s', async (_name, token, status, body) => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      authorizer: makeAuthorizer([]),
      routes: recorder.routes(),
      log: silentLog,
    });
    expect(await refusedStatus(`${gateway.url}?token=${token}`)).toEqual({ status, body });
    await gateway.close();
    gateway = undefined;
    expect(recorder.invocations).toEqual([]); // neither $connect nor $disconnect ran
  });

  it('says why it refused a token: X-Parley-Refusal and the body, one safe line', async () => {
    gateway = await startGateway({
      port: 0,
      authorizer: async () => {
        // What functions/authorizer.ts throws; a CR LF must not split the header.
        throw Object.assign(new Error('Unauthorized'), {
          refusal: 'expired: "exp" claim timestamp check failed\r\nX-Injected: 1',
        });
      },
      routes: new Recorder().routes(),
      log: silentLog,
    });
    const reason = 'expired: "exp" claim timestamp check failed??X-Injected: 1';
    const refused = await refusalOf(`${gateway.url}?token=old`);
    expect(refused).toEqual({
      status: 401,
      header: reason,
      injected: undefined,
      body: JSON.stringify({ message: 'Unauthorized', reason }),
    });
    expect((await refusalOf(gateway.url)).header).toBe(
      'missing_token: no route.request.querystring.token',
    );
  });

  it('answers 401 without invoking the authorizer when the token is missing', async () => {
    const seen: APIGatewayRequestAuthorizerEvent[] = [];
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      authorizer: makeAuthorizer(seen),
      routes: recorder.routes(),
      log: silentLog,
    });
    expect((await refusedStatus(gateway.url)).status).toBe(401);
    expect((await refusedStatus(`${gateway.url}?token=`)).status).toBe(401);
    expect(seen).toEqual([]);
    expect(recorder.invocations).toEqual([]);
  });

  it('refuses with 403 when the Allow policy does not cover the $connect ARN', async () => {
    gateway = await startGateway({
      port: 0,
      authorizer: async () => ({
        principalId: 'u',
        policyDocument: policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:other/*'),
      }),
      routes: {},
      log: silentLog,
    });
    expect((await refusedStatus(`${gateway.url}?token=x`)).status).toBe(403);
  });

  it('accepts a wildcard Allow', async () => {
    gateway = await startGateway({
      port: 0,
      authorizer: async () => ({
        principalId: 'u',
        policyDocument: policy('Allow', 'arn:aws:execute-api:*:*:local/*/*'),
      }),
      routes: {},
      log: silentLog,
    });
    const client = await connect(`${gateway.url}?token=x`);
    client.ws.close();
    await client.closed;
  });
});
