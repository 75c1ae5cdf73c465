/**
 * The `onEvent` handler of the custom resource (CDK provider framework) that makes sure
 * API Gateway can write this stage's logs. API Gateway's account settings, one per region
 * and shared by every API in it, name the CloudWatch Logs role all stages log through; a
 * fresh account has none, and a stage that logs cannot be created without one.
 *
 * Create and Update set the stack's role only when the account has no role. A role already
 * set (by another stack, the console, an organisation's baseline) is left alone: replacing
 * it would change how every other API in the region logs, and two stacks doing so would
 * fight. Delete changes nothing, since other APIs may log through the role by then.
 */
import {
  APIGatewayClient,
  BadRequestException,
  GetAccountCommand,
  UpdateAccountCommand,
} from '@aws-sdk/client-api-gateway';
import type {
  CdkCustomResourceEvent,
  CdkCustomResourceResponse,
  CloudFormationCustomResourceResourcePropertiesCommon,
  Context,
} from 'aws-lambda';
import { logger } from './runtime/logger.js';
import { type Clock, deadlineOf, retryUntil } from './shared/deadline.js';

/** The one account setting this resource stands for, in this region. */
export const PHYSICAL_RESOURCE_ID = 'parley-api-gateway-cloudwatch-role';

/** How the handler spends its invocation (the stack gives it 2 minutes). */
export const ACCOUNT_TIMING = {
  /** Left at the end to return an error before Lambda ends the invocation. */
  marginMs: 5_000,
  /** One API call's limit. */
  requestMs: 10_000,
  /** The pause between attempts while IAM makes a new role assumable. */
  retryDelayMs: 5_000,
} as const;

export interface AccountRoleData {
  /** The role the account logs through now. */
  RoleArn: string;
  /** `true` when this resource set it; `false` when the account already had one. */
  Changed: 'true' | 'false';
}

export interface AccountRoleProperties
  extends CloudFormationCustomResourceResourcePropertiesCommon {
  RoleArn: string;
}

/**
 * Sets `roleArn` as the account's CloudWatch role unless it has one. A new role takes a
 * few seconds to become assumable by API Gateway, which answers 400 until then: that is
 * retried until `until`.
 */
export async function ensureCloudWatchRole(
  client: Pick<APIGatewayClient, 'send'>,
  roleArn: string,
  plan: { until: number; clock?: Clock },
): Promise<AccountRoleData> {
  const account = await client.send(new GetAccountCommand({}));
  if (account.cloudwatchRoleArn) return { RoleArn: account.cloudwatchRoleArn, Changed: 'false' };
  await retryUntil(
    () =>
      client.send(
        new UpdateAccountCommand({
          patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: roleArn }],
        }),
      ),
    {
      until: plan.until,
      delayMs: ACCOUNT_TIMING.retryDelayMs,
      attemptMs: ACCOUNT_TIMING.requestMs,
      retryable: (error) => error instanceof BadRequestException,
      onRetry: (attempt, error) =>
        logger.warn('API Gateway cannot use the role yet; waiting', {
          attempt,
          error: String(error),
        }),
      clock: plan.clock,
    },
  );
  return { RoleArn: roleArn, Changed: 'true' };
}

export async function handler(
  event: CdkCustomResourceEvent<AccountRoleProperties>,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<CdkCustomResourceResponse<AccountRoleData>> {
  if (event.RequestType === 'Delete') {
    logger.info('account CloudWatch role left in place on delete');
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const roleArn = event.ResourceProperties.RoleArn;
  if (typeof roleArn !== 'string' || !roleArn) throw new Error('RoleArn is required');
  // Made per invocation: this runs once per deploy, so there is nothing to reuse.
  const client = new APIGatewayClient({
    requestHandler: { requestTimeout: ACCOUNT_TIMING.requestMs, throwOnRequestTimeout: true },
  });
  try {
    const data = await ensureCloudWatchRole(client, roleArn, {
      until: deadlineOf(context, ACCOUNT_TIMING.marginMs),
    });
    logger.info(
      data.Changed === 'true'
        ? 'set the account CloudWatch role for API Gateway'
        : 'the account already has a CloudWatch role for API Gateway; left as it is',
      { roleArn: data.RoleArn },
    );
    return { PhysicalResourceId: PHYSICAL_RESOURCE_ID, Data: data };
  } finally {
    client.destroy();
  }
}
