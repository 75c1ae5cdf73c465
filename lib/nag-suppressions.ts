/**
 * The cdk-nag AwsSolutions findings this stack accepts across the stack, each narrowed
 * with `appliesTo` to the exact finding, with the reason it is right for Parley. Every
 * other exception is added by the construct that owns the resource, on that resource
 * alone (a function's runtime, its tracing policy, a route without authorization, an
 * unrotated secret...), so the same finding anywhere else is still reported.
 */
import type { Stack } from 'aws-cdk-lib';
import { type NagPackSuppression, NagSuppressions } from 'cdk-nag';

/**
 * CDK's own singleton functions, by the id CDK gives them, with what each is accepted for:
 * the log-retention function (set by RDS log exports) and the one behind AwsCustomResource
 * (deletion-protection.ts).
 */
const CDK_SINGLETONS: Record<string, NagPackSuppression> = {
  LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a: {
    id: 'AwsSolutions-IAM5',
    reason:
      "CDK's log-retention function sets the retention of RDS's log groups, whose " +
      'names are only known once RDS creates them.',
    appliesTo: ['Resource::*'],
  },
  AWS679f53fac002430cb0da5b7982bd2287: {
    id: 'AwsSolutions-L1',
    reason:
      "CDK's AwsCustomResource function, whose runtime aws-cdk-lib picks " +
      '(Runtime.NODEJS_LATEST: the newest in every region, a step behind the newest ' +
      "Lambda offers); Parley's own functions run LAMBDA_RUNTIME (parley-function.ts).",
  },
};

export function applyNagSuppressions(stack: Stack): void {
  for (const [id, suppression] of Object.entries(CDK_SINGLETONS)) {
    const singleton = stack.node.tryFindChild(id);
    if (singleton) NagSuppressions.addResourceSuppressions(singleton, [suppression], true);
  }
  NagSuppressions.addStackSuppressions(stack, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'Attachments are one object per upload, named at run time: functions that serve ' +
        'messages read rooms/* and thumbs/*, request_upload signs PUTs to rooms/*, the ' +
        'thumbnail worker reads rooms/* and writes thumbs/* (lib/files-bucket.ts).',
      appliesTo: [
        { regex: '/^Resource::<FilesBucket[A-Za-z0-9]*\\.Arn>\\/(rooms|thumbs)\\/\\*$/g' },
      ],
    },
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'Lambda service roles use only AWSLambdaBasicExecutionRole (write own logs) and ' +
        'AWSLambdaVPCAccessExecutionRole (manage own ENIs): the minimal AWS-maintained ' +
        'policies, right for any Lambda function of the stack.',
      appliesTo: [
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
      ],
    },
  ]);
}
