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
import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MIGRATIONS } from '../functions/stores/postgres/migrations.js';
import { type FunctionObservability, ParleyFunction } from './parley-function.js';
import { providerResource } from './provider-resource.js';

export interface SchemaMigrationProps {
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  /** The VPC's way out is IPv6 only (lib/network.ts). */
  ipv6Egress: boolean;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  observability: FunctionObservability;
  /** Set to migrate again although no migration changed (see ParleyConfig.deployId). */
  deployId?: string;
}

export function migrationsDigest(): string {
  return createHash('sha256').update(JSON.stringify(MIGRATIONS)).digest('hex').slice(0, 16);
}

export const MIGRATION_TIMEOUT = Duration.minutes(5);

export class SchemaMigration extends Construct {
  readonly function: ParleyFunction;

  constructor(scope: Construct, id: string, props: SchemaMigrationProps) {
    super(scope, id);
    this.function = new ParleyFunction(this, 'Migrate', {
      entry: 'migrate-on-deploy',
      vpc: props.vpc,
      securityGroups: props.securityGroups,
      ipv6Egress: props.ipv6Egress,
      environment: props.environment,
      // Room to wait for RDS Proxy on a first deploy; the handler fits every wait in it
      // (MIGRATION_TIMING in functions/migrate-on-deploy.ts).
      timeout: MIGRATION_TIMEOUT,
      logRetention: props.logRetention,
      observability: props.observability,
    });
    providerResource(this, 'Schema', {
      onEvent: this.function,
      resourceType: 'Custom::ParleySchema',
      properties: {
        MigrationsDigest: migrationsDigest(),
        ...(props.deployId === undefined ? {} : { DeployId: props.deployId }),
        LatestVersion: MIGRATIONS.at(-1)?.version ?? 0,
      },
      logRetention: props.logRetention,
    });
  }
}
