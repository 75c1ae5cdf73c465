/**
 * Runs the database migrations during a deploy: a custom resource whose handler calls the
 * same `migrate()` the dev runner and the tests use. CloudFormation calls it when the
 * resource is created and whenever its properties change: the digest of the migrations
 * (a new or edited migration) or an explicit `deployId` (`-c parley:deployId=...`, to
 * migrate again on demand, e.g. after restoring the database from an older snapshot).
 * Nothing in it depends on the time, so the same code gives the same template and
 * `cdk diff` shows no change. A failed migration fails the deploy, which rolls back.
 */
import { createHash } from 'node:crypto';
import { type CfnElement, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { MIGRATIONS } from '../functions/stores/postgres/migrations.js';
import { ParleyFunction } from './parley-function.js';

export interface SchemaMigrationProps {
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Set to migrate again although no migration changed (see ParleyConfig.deployId). */
  deployId?: string;
}

export function migrationsDigest(): string {
  return createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 16);
}

export class SchemaMigration extends Construct {
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: SchemaMigrationProps) {
    super(scope, id);
    this.function = new ParleyFunction(this, 'Migrate', {
      entry: 'migrate-on-deploy',
      vpc: props.vpc,
      securityGroups: props.securityGroups,
      environment: props.environment,
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
    });
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: new LogGroup(this, 'ProviderLogs', {
        retention: props.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    const migrateId = Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnElement);
    NagSuppressions.addResourceSuppressions(
      provider,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The custom-resource provider framework invokes any version of the migration ' +
            'function it fronts (ARN:*); nothing else.',
          appliesTo: [`Resource::<${migrateId}.Arn>:*`],
        },
      ],
      true,
    );
    new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ParleySchema',
      properties: {
        MigrationsDigest: migrationsDigest(),
        ...(props.deployId === undefined ? {} : { DeployId: props.deployId }),
        LatestVersion: MIGRATIONS.at(-1)?.version ?? 0,
      },
    });
  }
}
