/**
 * API Gateway's CloudWatch Logs role for this account and region, set only where there is
 * none. The setting (`AWS::ApiGateway::Account`) is one per region, shared by every API
 * Gateway API in it: declaring it in the stack would replace whatever role the account
 * uses for all of them, and another stack doing the same would fight over it. Stages that
 * log (access or execution logs) cannot be created without it, so on a fresh account the
 * custom resource (functions/api-gateway-account.ts) sets this stack's role, and it never
 * replaces or removes one. The role is retained with the stack gone, since the account
 * may log through it by then.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ACCOUNT_ROLE_ENTRY } from './bundle-budgets.js';
import { type FunctionObservability, ParleyFunction } from './parley-function.js';
import { providerResource } from './provider-resource.js';

export class ApiGatewayCloudWatchRole extends Construct {
  readonly role: Role;

  constructor(
    scope: Construct,
    id: string,
    props: { logRetention: RetentionDays; observability: FunctionObservability },
  ) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    NagSuppressions.addResourceSuppressions(this.role, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'AmazonAPIGatewayPushToCloudWatchLogs is the minimal policy for API Gateway logs.',
        appliesTo: [
          'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        ],
      },
    ]);

    const setter = new ParleyFunction(this, 'SetIfMissing', {
      entry: ACCOUNT_ROLE_ENTRY,
      // Room for IAM to make a new role assumable; the handler fits its waits in it.
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      observability: props.observability,
    });
    const account = Stack.of(this).formatArn({
      service: 'apigateway',
      account: '',
      resource: '/account',
    });
    setter.addToRolePolicy(
      new PolicyStatement({
        actions: ['apigateway:GET', 'apigateway:PATCH'],
        resources: [account],
      }),
    );
    setter.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
      }),
    );
    providerResource(this, 'Account', {
      onEvent: setter,
      resourceType: 'Custom::ApiGatewayCloudWatchRole',
      properties: { RoleArn: this.role.roleArn },
      logRetention: props.logRetention,
    });
  }
}
