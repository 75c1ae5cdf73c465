/**
 * $connect is granted exactly the DynamoDB actions the route table lists for it
 * (`ROUTE_NEEDS.$connect.tableActions`, asserted on the template in test/cdk). This runs
 * the handler over the real connection store and checks that it sends nothing else, so a
 * change that makes $connect read or delete fails here rather than with AccessDenied on
 * AWS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConnectHandler } from '../../functions/connect.js';
import { ROUTE_NEEDS } from '../../functions/route-table.js';
import { lambdaConnectWiring } from '../../functions/runtime/connections.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { connectEvent, lambdaContext, newConnectionId } from '../support/events.js';

let dynamo: AwsClientStub<DynamoDBClient>;
/** A new container's $connect, as the Lambda entry binds it. */
let connect: WebSocketHandler;

beforeEach(() => {
  connect = makeConnectHandler(lambdaConnectWiring());
  vi.stubEnv('DYNAMODB_ENDPOINT', undefined);
  vi.stubEnv('CONNECTIONS_TABLE', 'parley-connections-test');
  dynamo = mockClient(DynamoDBClient);
  dynamo.onAnyCommand().resolves({});
});

afterEach(() => {
  dynamo.restore();
  vi.unstubAllEnvs();
});

/** `PutItemCommand` -> `dynamodb:PutItem`: the IAM action of an SDK v3 DynamoDB command. */
const iamAction = (commandName: string) => `dynamodb:${commandName.replace(/Command$/, '')}`;

describe('$connect and its grant', () => {
  it('sends only the DynamoDB actions the route table grants it, to the connections table', async () => {
    const result = await connect(
      connectEvent({ connectionId: newConnectionId(), userId: 'alice' }),
      lambdaContext(),
    );
    expect(result).toEqual({ statusCode: 200 });
    const calls = dynamo.calls();
    expect(calls.length).toBeGreaterThan(0);
    const needs = ROUTE_NEEDS.$connect;
    const granted = needs.stores === 'connections-table' ? needs.tableActions : [];
    const sent = new Set(calls.map((call) => iamAction(call.args[0].constructor.name)));
    expect([...sent].sort()).toEqual([...granted].sort());
    for (const call of calls) {
      expect((call.args[0].input as { TableName?: string }).TableName).toBe(
        'parley-connections-test',
      );
    }
  });
});
