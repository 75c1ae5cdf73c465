/**
 * A custom resource behind CDK's provider framework, with timeouts that nest: our handler
 * budgets every wait from the remaining time Lambda reports, so it answers within its own
 * timeout; the framework's onEvent function waits for it (and, should the invoke itself
 * fail, waits up to 5 minutes for the handler to be active and invokes it once more)
 * within its fixed 15 minutes; and CloudFormation waits for the framework's answer just
 * past that, instead of its default hour, so a framework that dies without answering
 * fails the deploy in minutes.
 */
import { type CfnElement, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';

/** The provider framework's onEvent timeout, fixed in aws-cdk-lib (not configurable). */
export const FRAMEWORK_TIMEOUT = Duration.minutes(15);

/** How long CloudFormation waits for an answer: the framework's timeout and a minute. */
export const SERVICE_TIMEOUT = FRAMEWORK_TIMEOUT.plus(Duration.minutes(1));

export interface ProviderResourceProps {
  /** The handler: `(event, context)`, answering within its own timeout. */
  onEvent: IFunction;
  resourceType: `Custom::${string}`;
  properties: Record<string, unknown>;
  logRetention: RetentionDays;
}

/**
 * Adds `id` (the custom resource), `Provider` and `ProviderLogs` to `scope` and returns
 * the custom resource.
 */
export function providerResource(
  scope: Construct,
  id: string,
  props: ProviderResourceProps,
): CustomResource {
  const provider = new Provider(scope, 'Provider', {
    onEventHandler: props.onEvent,
    logGroup: new LogGroup(scope, 'ProviderLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    }),
  });
  const handlerId = Stack.of(scope).getLogicalId(props.onEvent.node.defaultChild as CfnElement);
  NagSuppressions.addResourceSuppressions(
    provider,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The provider framework invokes any version of the one handler it fronts ' +
          '(ARN:*); nothing else.',
        appliesTo: [`Resource::<${handlerId}.Arn>:*`],
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "The provider framework's own function, whose runtime aws-cdk-lib picks " +
          '(Runtime.NODEJS_LATEST: the newest in every region, a step behind the newest ' +
          'Lambda offers); the handler it fronts runs LAMBDA_RUNTIME (parley-function.ts).',
      },
    ],
    true,
  );
  return new CustomResource(scope, id, {
    serviceToken: provider.serviceToken,
    serviceTimeout: SERVICE_TIMEOUT,
    resourceType: props.resourceType,
    properties: props.properties,
  });
}
