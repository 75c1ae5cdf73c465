import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { connect, lastConnectionId, Recorder, silentLog } from './helpers.js';

const CONNECTION_ID = /^[A-Za-z0-9+/]{15}=$/;
const GATEWAY_ID = /^[A-Za-z0-9+/]{15}=$/;
const REQUEST_TIME = /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/;

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('event shapes', () => {
  it('gives $connect, MESSAGE and $disconnect events the AWS shape', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      stage: 'dev',
      apiId: 'abc123',
      routes: recorder.routes({ send_message: recorder.handler() }),
      log: silentLog,
    });
    const client = await connect(`${gateway.url}/dev?token=t1&room=a&room=b`, {
      headers: { 'User-Agent': 'parley-test/1.0', 'X-Custom': 'yes' },
    });
    const connectEvent = (await recorder.waitForRoute('$connect')).event;
    const id = connectEvent.requestContext.connectionId;
    expect(id).toMatch(CONNECTION_ID);
    const host = `127.0.0.1:${String(gateway.port)}`;

    expect(connectEvent).toMatchObject({
      headers: { Host: host, 'User-Agent': 'parley-test/1.0', 'X-Custom': 'yes' },
      multiValueHeaders: { Host: [host], 'X-Custom': ['yes'] },
      queryStringParameters: { token: 't1', room: 'b' },
      multiValueQueryStringParameters: { token: ['t1'], room: ['a', 'b'] },
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$connect',
        eventType: 'CONNECT',
        messageDirection: 'IN',
        stage: 'dev',
        apiId: 'abc123',
        domainName: host,
        identity: { sourceIp: '127.0.0.1', userAgent: 'parley-test/1.0' },
      },
    });
    expect(connectEvent.headers?.['X-Forwarded-For']).toBe('127.0.0.1');
    expect(connectEvent.headers?.['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const rc = connectEvent.requestContext;
    expect(rc.requestId).toMatch(GATEWAY_ID);
    expect(rc.extendedRequestId).toBe(rc.requestId);
    expect(rc.requestTime).toMatch(REQUEST_TIME);
    expect(rc.requestTimeEpoch).toBeGreaterThanOrEqual(rc.connectedAt);
    expect(rc.messageId).toBeUndefined();
    expect(rc.authorizer).toBeUndefined();
    expect(connectEvent.body).toBeUndefined();

    await client.send(JSON.stringify({ action: 'send_message', content: 'hi' }));
    const message = (await recorder.waitForRoute('send_message')).event;
    expect(message).toEqual({
      requestContext: {
        routeKey: 'send_message',
        messageId: expect.stringMatching(GATEWAY_ID),
        eventType: 'MESSAGE',
        extendedRequestId: message.requestContext.requestId,
        requestTime: expect.stringMatching(REQUEST_TIME),
        messageDirection: 'IN',
        stage: 'dev',
        connectedAt: rc.connectedAt,
        requestTimeEpoch: expect.any(Number),
        identity: { sourceIp: '127.0.0.1', userAgent: 'parley-test/1.0' },
        requestId: expect.stringMatching(GATEWAY_ID),
        domainName: host,
        connectionId: id,
        apiId: 'abc123',
      },
      body: '{"action":"send_message","content":"hi"}',
      isBase64Encoded: false,
    });
    expect(message.requestContext.requestId).not.toBe(rc.requestId);

    client.ws.close(4000, 'bye');
    const disconnect = (await recorder.waitForRoute('$disconnect')).event;
    expect(disconnect).toMatchObject({
      headers: { Host: host, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
      isBase64Encoded: false,
      requestContext: {
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        disconnectStatusCode: 4000,
        disconnectReason: 'bye',
        connectedAt: rc.connectedAt,
        connectionId: id,
        identity: { sourceIp: '127.0.0.1' },
        messageDirection: 'IN',
      },
    });
    expect(disconnect.body).toBeUndefined();
  });

  it('formats requestTime as AWS does, in UTC', async () => {
    const { formatRequestTime } = await import('../../../local/gateway/events.js');
    expect(formatRequestTime(Date.UTC(2026, 10, 26, 10, 0, 0))).toBe('26/Nov/2026:10:00:00 +0000');
    expect(formatRequestTime(Date.UTC(2024, 0, 5, 3, 4, 5))).toBe('05/Jan/2024:03:04:05 +0000');
  });

  it('leaves the query keys out of $connect when the URL has no query', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog });
    await connect(gateway.url);
    const event = (await recorder.waitForRoute('$connect')).event;
    expect('queryStringParameters' in event).toBe(false);
    expect('multiValueQueryStringParameters' in event).toBe(false);
  });

  it('reports a client close without a status as 1005, as AWS does', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog });
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    client.ws.close();
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1005);
    expect(event.requestContext.disconnectReason).toBe('Client-side close frame status not set');
  });

  it('hands every handler a realistic Lambda context', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog });
    const client = await connect(gateway.url);
    await client.send('plain text');
    const connectCtx = (await recorder.waitForRoute('$connect')).context;
    const messageCtx = (await recorder.waitForRoute('$default')).context;
    expect(connectCtx.functionName).toBe('$connect');
    expect(messageCtx.functionName).toBe('$default');
    expect(messageCtx.awsRequestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(messageCtx.awsRequestId).not.toBe(connectCtx.awsRequestId);
    expect(messageCtx.callbackWaitsForEmptyEventLoop).toBe(true);
    expect(messageCtx.functionVersion).toBe('$LATEST');
    expect(messageCtx.invokedFunctionArn).toMatch(
      /^arn:aws:lambda:us-east-1:\d{12}:function:default$/,
    );
    expect(messageCtx.memoryLimitInMB).toMatch(/^\d+$/);
    expect(messageCtx.logGroupName).toBe('/aws/lambda/default');
    const remaining = messageCtx.getRemainingTimeInMillis();
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(10_000); // the route functions' timeout
  });
});
