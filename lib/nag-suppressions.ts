/**
 * The cdk-nag AwsSolutions findings this stack accepts, each narrowed with `appliesTo`
 * where the rule allows it, and each with the reason it is right for Parley.
 */
import type { Stack } from 'aws-cdk-lib';
import { NagSuppressions } from 'cdk-nag';

/** The id CDK gives its singleton log-retention function (set by RDS log exports). */
const LOG_RETENTION_SINGLETON = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

export function applyNagSuppressions(stack: Stack): void {
  const logRetention = stack.node.tryFindChild(LOG_RETENTION_SINGLETON);
  if (logRetention) {
    NagSuppressions.addResourceSuppressions(
      logRetention,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "CDK's log-retention function sets the retention of RDS's log groups, whose " +
            'names are only known once RDS creates them.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
  }
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'Lambda service roles use only AWSLambdaBasicExecutionRole (write own logs) and ' +
        'AWSLambdaVPCAccessExecutionRole (manage own ENIs), and API Gateway account logging ' +
        'uses AmazonAPIGatewayPushToCloudWatchLogs: the minimal AWS-maintained policies.',
      appliesTo: [
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'execute-api:ManageConnections must name connection ids only known at run time; ' +
        'the grant is scoped to this API and this stage.',
      appliesTo: [
        { regex: '/^Resource::arn:<AWS::Partition>:execute-api:.*\\/@connections\\/\\*$/' },
      ],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'The custom-resource provider framework invokes any version of the migration ' +
        'function it fronts (ARN:*); nothing else.',
      appliesTo: [{ regex: '/^Resource::<SchemaMigrationMigrate[A-Za-z0-9]+\\.Arn>:\\*$/' }],
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime Parley targets and tests (esbuild target node22); runtime ' +
        'upgrades are deliberate changes, not drift.',
    },
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'WebSocket APIs authorize once, on $connect (the JWT authorizer); every later route ' +
        'runs on that authorized connection and its handlers use the bound user id.',
    },
    {
      id: 'AwsSolutions-SMG4',
      reason:
        'The database secret rotates every 30 days. The JWT signing secret and the cache ' +
        'password are rotated by redeploying with a new value (rotating the JWT secret ' +
        'invalidates every issued token, so it is an operator decision, documented in README).',
    },
  ]);
}
