/**
 * The custom resource that gives API Gateway a CloudWatch role only where the account has
 * none, and never takes it away. The API Gateway client is mocked; time is a fake clock.
 */
import {
  APIGatewayClient,
  BadRequestException,
  GetAccountCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-api-gateway';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ensureCloudWatchRole,
  handler,
  PHYSICAL_RESOURCE_ID,
} from '../../functions/api-gateway-account.js';
import { logger } from '../../functions/runtime/logger.js';
import type { Clock } from '../../functions/shared/deadline.js';
import { customResourceEvent, type RequestType } from '../support/custom-resource-events.js';

const OURS = 'arn:aws:iam::123456789012:role/Parley-prod-ApiGatewayLogsRole';
const THEIRS = 'arn:aws:iam::123456789012:role/org-baseline-apigateway-logs';

let apiGateway: AwsClientStub<APIGatewayClient>;

beforeEach(() => {
  apiGateway = mockClient(APIGatewayClient);
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  apiGateway.restore();
  vi.restoreAllMocks();
});

const event = (requestType: RequestType) =>
  customResourceEvent(requestType, {
    resourceType: 'Custom::ApiGatewayCloudWatchRole',
    logicalResourceId: 'ApiGatewayAccount',
    physicalResourceId: PHYSICAL_RESOURCE_ID,
    properties: { RoleArn: OURS },
  });

const twoMinutes = { getRemainingTimeInMillis: () => 120_000 };

const notAssumableYet = () =>
  new BadRequestException({
    message: 'The role ARN does not have required permissions set to API Gateway',
    $metadata: { httpStatusCode: 400 },
  });

describe('the API Gateway account CloudWatch role', () => {
  it('is set to the stack role where the account has none', async () => {
    apiGateway.on(GetAccountCommand).resolves({});
    apiGateway.on(UpdateAccountCommand).resolves({ cloudwatchRoleArn: OURS });
    for (const requestType of ['Create', 'Update'] as const) {
      expect(await handler(event(requestType), twoMinutes)).toEqual({
        PhysicalResourceId: PHYSICAL_RESOURCE_ID,
        Data: { RoleArn: OURS, Changed: 'true' },
      });
    }
    expect(apiGateway.commandCalls(UpdateAccountCommand)[0]!.args[0].input).toEqual({
      patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: OURS }],
    });
  });

  it('is left alone where the account already has one', async () => {
    apiGateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: THEIRS });
    expect(await handler(event('Create'), twoMinutes)).toEqual({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Data: { RoleArn: THEIRS, Changed: 'false' },
    });
    expect(apiGateway.commandCalls(UpdateAccountCommand)).toHaveLength(0);
  });

  it('is never removed: Delete makes no call at all', async () => {
    expect(await handler(event('Delete'), twoMinutes)).toEqual({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
    });
    expect(apiGateway.calls()).toHaveLength(0);
  });

  it('waits for a new role to become assumable, within the time left', async () => {
    let now = 0;
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    apiGateway.on(GetAccountCommand).resolves({});
    apiGateway
      .on(UpdateAccountCommand)
      .rejectsOnce(notAssumableYet())
      .rejectsOnce(notAssumableYet())
      .resolves({ cloudwatchRoleArn: OURS });
    expect(
      await ensureCloudWatchRole(new APIGatewayClient({}), OURS, {
        until: 60_000,
        clock,
      }),
    ).toEqual({
      RoleArn: OURS,
      Changed: 'true',
    });
    expect(apiGateway.commandCalls(UpdateAccountCommand)).toHaveLength(3);

    // A role that never becomes assumable: the last 400 by the deadline, not a timeout.
    apiGateway.on(UpdateAccountCommand).rejects(notAssumableYet());
    now = 0;
    await expect(
      ensureCloudWatchRole(new APIGatewayClient({}), OURS, {
        until: 60_000,
        clock,
      }),
    ).rejects.toThrow(/required permissions/);
    expect(now).toBeLessThanOrEqual(60_000);
  });

  it('fails at once on an error waiting will not fix', async () => {
    apiGateway.on(GetAccountCommand).resolves({});
    apiGateway.on(UpdateAccountCommand).rejects(new Error('AccessDeniedException'));
    await expect(handler(event('Create'), twoMinutes)).rejects.toThrow('AccessDenied');
    expect(apiGateway.commandCalls(UpdateAccountCommand)).toHaveLength(1);
  });
});
