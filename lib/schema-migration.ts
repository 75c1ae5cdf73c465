/**
 * Runs the database migrations on every deploy: a custom resource whose handler calls the
 * same `migrate()` the dev runner and the tests use. A property changes on every deploy
 * (`deployId`), so CloudFormation calls it each time; with nothing pending it applies
 * nothing. A failed migration fails the deploy, which rolls back.
 */
import { createHash } from 'node:crypto';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { MIGRATIONS } from '../functions/stores/postgres/migrations.js';
import { ParleyFunction } from './parley-function.js';

export interface SchemaMigrationProps {
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  environment: Record<string, string>;
  logRetention: RetentionDays;
  /** Different on every deploy (a timestamp unless pinned, as the tests do). */
  deployId: string;
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
    new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::ParleySchema',
      properties: {
        MigrationsDigest: migrationsDigest(),
        DeployId: props.deployId,
        LatestVersion: MIGRATIONS.at(-1)?.version ?? 0,
      },
    });
  }
}
