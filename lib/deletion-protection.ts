/**
 * Deletion protection for production's database, switched on only once a deploy has
 * succeeded. Were it in the template, a failed first deploy could not roll back:
 * CloudFormation's rollback deletes what the deploy created, RDS refuses to delete a
 * protected instance, and the stack ends in ROLLBACK_FAILED. A `Retain` policy would not
 * help either: the retained instance keeps its subnet group, security group and subnets in
 * use, so the rollback fails on them instead.
 *
 * So the instance is created without the property (a failed first deploy deletes it, with
 * its final snapshot), and this custom resource, which depends on every other resource of
 * the stack and so runs last, turns protection on through the RDS API. CloudFormation's
 * RDS handler sends DeletionProtection on an update only when the template's value
 * changes, so later deploys leave it on. The resource has no delete action: the stack
 * never switches protection off (tearing down needs it off by hand; see docs/deploy.md).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { DatabaseInstance } from 'aws-cdk-lib/aws-rds';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

export interface DeletionProtectionProps {
  instance: DatabaseInstance;
  logRetention: RetentionDays;
}

export class DeletionProtectionOnceDeployed extends Construct {
  readonly resource: AwsCustomResource;

  constructor(scope: Construct, id: string, props: DeletionProtectionProps) {
    super(scope, id);
    const protect: AwsSdkCall = {
      service: 'RDS',
      action: 'modifyDBInstance',
      parameters: {
        DBInstanceIdentifier: props.instance.instanceIdentifier,
        DeletionProtection: true,
        ApplyImmediately: true,
      },
      physicalResourceId: PhysicalResourceId.of('parley-database-deletion-protection'),
      // The answer describes the whole instance; CloudFormation takes at most 4 KB back.
      outputPaths: ['DBInstance.DeletionProtection'],
    };
    this.resource = new AwsCustomResource(this, 'Enable', {
      onCreate: protect,
      onUpdate: protect,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['rds:ModifyDBInstance'],
          resources: [props.instance.instanceArn],
        }),
      ]),
      installLatestAwsSdk: false,
      // One API call: the function answers CloudFormation itself, well within these.
      timeout: Duration.minutes(1),
      serviceTimeout: Duration.minutes(2),
      // Beside this construct, not in it: the shared function uses it, and everything in
      // this construct waits for that function.
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
  }
}
