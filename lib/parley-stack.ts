/**
 * All of Parley in one stack: network, PostgreSQL behind RDS Proxy, ElastiCache
 * Serverless, the connections table, one function per route, the WebSocket API with the
 * JWT authorizer, schema migrations on deploy, alarms and a dashboard.
 *
 * Fan-out choice: the route functions run in the VPC's private subnets with egress (NAT,
 * or IPv6 through an egress-only gateway in the lean profile), because the Management API
 * (PostToConnection) is public-only; see docs/deploy.md for the trade-off against a
 * fan-out function outside the VPC, and lib/profiles.ts for what each profile deploys.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Peer, Port, SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import {
  AUTHORIZER_ENTRY,
  FUNCTION_TIMEOUT_SECONDS,
  type FunctionNeeds,
  MAINTENANCE_FUNCTIONS,
  ROUTE_ENTRIES,
  ROUTE_NEEDS,
  type RouteKey,
} from '../functions/route-table.js';
import { Operations } from './alarms.js';
import { Cache } from './cache.js';
import { isProduction, type ParleyConfig, validateConfig } from './config.js';
import { ConnectionsTable } from './connections-table.js';
import { DATABASE_NAME, Database, RDS_CA_BUNDLE } from './database.js';
import { DeletionProtectionOnceDeployed } from './deletion-protection.js';
import { Fanout } from './fanout.js';
import { FilesBucket } from './files-bucket.js';
import { FunctionFactory } from './function-needs.js';
import { applyNagSuppressions } from './nag-suppressions.js';
import { Network } from './network.js';
import { type FunctionObservability, ParleyFunction } from './parley-function.js';
import { SchemaMigration } from './schema-migration.js';
import { ParleyWebSocketApi } from './websocket-api.js';

export interface ParleyStackProps extends StackProps {
  config: ParleyConfig;
}

/** CloudWatch Logs accepts only these retentions; pick the nearest at or above. */
function retention(days: number): RetentionDays {
  const allowed = Object.values(RetentionDays).filter(
    (v): v is RetentionDays => typeof v === 'number' && v > 0,
  );
  return allowed.sort((a, b) => a - b).find((v) => v >= days) ?? RetentionDays.TEN_YEARS;
}

/** The routes an entry serves. */
function routeKeysOf(entry: string): RouteKey[] {
  return (Object.keys(ROUTE_ENTRIES) as RouteKey[]).filter((key) => ROUTE_ENTRIES[key] === entry);
}

function sameNeeds(needs: readonly FunctionNeeds[]): boolean {
  return needs.every((n) => JSON.stringify(n) === JSON.stringify(needs[0]));
}

export class ParleyStack extends Stack {
  /** The settings it was built from (the profile's, with any overrides). */
  readonly config: ParleyConfig;
  readonly functions: Record<RouteKey, ParleyFunction>;
  readonly authorizer: ParleyFunction;
  /** Posts big rooms' deliveries and retried posts from the fan-out queue. */
  readonly fanoutWorker: ParleyFunction;
  readonly retentionPurge: ParleyFunction;
  readonly eraseUser: ParleyFunction;
  /** Attachments (protocol v2, "Files") and their thumbnail worker. */
  readonly files: FilesBucket;

  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);
    const config = validateConfig(props.config);
    this.config = config;
    const production = isProduction(config);
    const logRetention = retention(config.logRetentionDays);
    const observability: FunctionObservability = {
      tracing: config.functionTracing,
      platformLogs: config.functionPlatformLogs,
    };

    const { vpc, ipv6Egress } = new Network(this, 'Network', {
      natGateways: config.natGateways,
      logRetention,
    });
    // One group for every function in the VPC; egress only where they need to go.
    const functionsSg = new SecurityGroup(this, 'FunctionsSg', {
      vpc,
      description: 'Parley functions in the VPC',
      allowAllOutbound: false,
    });
    functionsSg.addEgressRule(
      Peer.anyIpv4(),
      Port.tcp(443),
      ipv6Egress
        ? 'HTTPS to the DynamoDB and S3 gateway endpoints'
        : 'HTTPS through NAT: Management API, Secrets Manager, SQS; DynamoDB and S3 endpoints',
    );
    if (ipv6Egress) {
      functionsSg.addEgressRule(
        Peer.anyIpv6(),
        Port.tcp(443),
        'HTTPS over IPv6 (egress-only gateway): Management API, Secrets Manager, SQS',
      );
    }
    const database = new Database(this, 'Database', {
      vpc,
      stageName: config.stageName,
      clients: functionsSg,
      logRetention,
      instanceType: config.databaseInstanceType,
      allocatedStorageGiB: config.databaseAllocatedStorageGiB,
      multiAz: config.databaseMultiAz,
      backupRetentionDays: config.backupRetentionDays,
      production,
      proxy: config.databaseProxy,
      rotation: config.databaseSecretRotation,
      performanceInsights: config.databasePerformanceInsights,
    });
    const cache = new Cache(this, 'Cache', {
      vpc,
      clients: functionsSg,
      stageName: config.stageName,
      maxDataGiB: config.cacheMaxDataGiB,
      maxEcpuPerSecond: config.cacheMaxEcpuPerSecond,
    });
    const { table } = new ConnectionsTable(this, 'Connections', { production });
    const databaseSecret = database.instance.secret!;

    const databaseEnvironment: Record<string, string> = {
      DB_SECRET_ARN: databaseSecret.secretArn,
      DB_HOST: database.endpoint.host,
      DB_PORT: String(database.endpoint.port),
      DB_NAME: DATABASE_NAME,
      // The instance's certificate is signed by RDS's CA, which the Lambda runtime ships
      // but Node does not load unless told (docs/deploy.md); the proxy's is a public one.
      ...(database.endpoint.direct ? { NODE_EXTRA_CA_CERTS: RDS_CA_BUNDLE } : {}),
    };
    const fanout = new Fanout(this, 'Fanout');
    const routeEnvironment = {
      ...databaseEnvironment,
      ...fanout.environment,
      REDIS_URL: cache.url,
      REDIS_CLUSTER: 'true',
      REDIS_SECRET_ARN: cache.credentials.secretArn,
      CONNECTIONS_TABLE: table.tableName,
      // One invocation at a time per container: one connection (pooled by RDS Proxy where
      // the profile has one).
      PG_POOL_MAX: '1',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const securityGroups = [functionsSg];

    // The authorizer needs no database or cache: it stays outside the VPC (faster cold
    // starts, and Secrets Manager or the issuer's JWKS are reached directly).
    const jwtEnvironment: Record<string, string> = {};
    let jwtSecret: Secret | undefined;
    if (config.jwtMode === 'hs256') {
      jwtSecret = new Secret(this, 'JwtSecret', {
        description: 'Parley HS256 token signing secret',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
      jwtEnvironment.JWT_SECRET_ARN = jwtSecret.secretArn;
      NagSuppressions.addResourceSuppressions(jwtSecret, [
        {
          id: 'AwsSolutions-SMG4',
          reason:
            'Rotating the JWT signing secret invalidates every issued token, so it is an ' +
            "operator's decision (replace the value; see docs/deploy.md), not a schedule.",
        },
      ]);
    } else {
      jwtEnvironment.JWT_JWKS_URL = config.jwksUrl!;
      if (config.jwtIssuer) jwtEnvironment.JWT_ISSUER = config.jwtIssuer;
      if (config.jwtAudience) jwtEnvironment.JWT_AUDIENCE = config.jwtAudience;
    }
    this.authorizer = new ParleyFunction(this, 'Authorizer', {
      entry: AUTHORIZER_ENTRY,
      environment: { ...jwtEnvironment, POWERTOOLS_LOG_LEVEL: 'INFO' },
      memorySize: 256,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.authorizer),
      logRetention,
      observability,
    });
    jwtSecret?.grantRead(this.authorizer);

    const migration = new SchemaMigration(this, 'SchemaMigration', {
      vpc,
      securityGroups,
      ipv6Egress,
      environment: databaseEnvironment,
      logRetention,
      observability,
      deployId: config.deployId,
    });
    databaseSecret.grantRead(migration.function);
    // The proxy, its target and the rotation must exist before the first migration.
    migration.node.addDependency(database);

    // Each function is placed and granted as functions/route-table.ts says it needs.
    const functions = new FunctionFactory(this, {
      vpc,
      securityGroups,
      ipv6Egress,
      environment: routeEnvironment,
      table,
      secrets: [databaseSecret, cache.credentials],
      // Functions deploy after the schema they expect.
      deployedBefore: [migration],
      queues: [fanout.queue],
      logRetention,
      observability,
    });
    // One function per entry: routes that name the same entry (edit_message and
    // delete_message) share it, as its handler serves all of them.
    const byEntry = new Map<string, ParleyFunction>();
    this.functions = Object.fromEntries(
      (Object.entries(ROUTE_ENTRIES) as [RouteKey, string][]).map(([routeKey, entry]) => {
        let fn = byEntry.get(entry);
        if (!fn) {
          fn = functions.create(`Route-${entry}`, entry, ROUTE_NEEDS[routeKey]);
          byEntry.set(entry, fn);
        } else if (!sameNeeds(routeKeysOf(entry).map((key) => ROUTE_NEEDS[key]))) {
          // One function has one role and one placement: its routes must agree on them.
          throw new Error(`The routes of ${entry} declare different needs (route-table.ts)`);
        }
        return [routeKey, fn];
      }),
    ) as Record<RouteKey, ParleyFunction>;

    // Attachments: each function that serves messages or signs uploads is granted exactly that.
    this.files = new FilesBucket(this, 'FilesBucket', {
      corsOrigins: config.filesCorsOrigins,
      retentionDays: config.filesRetentionDays,
      production,
      logRetention,
      observability,
    });
    for (const [entry, fn] of byEntry) {
      const access = ROUTE_NEEDS[routeKeysOf(entry)[0] as RouteKey];
      if ('files' in access && access.files) this.files.grant(fn, access.files);
    }

    const websocket = new ParleyWebSocketApi(this, 'WebSocket', {
      stageName: config.stageName,
      authorizer: this.authorizer,
      routes: this.functions,
      throttleRateLimit: config.throttleRateLimit,
      throttleBurstLimit: config.throttleBurstLimit,
      logRetention,
      observability,
    });
    functions.postTo({ api: websocket.api, stage: websocket.stage });

    // Big rooms' deliveries and retried posts (docs/capacity.md for the sizing).
    const worker = functions.create('FanoutWorker', FANOUT_WORKER.entry, FANOUT_WORKER.needs, {
      memorySize: FANOUT_WORKER.memoryMb,
      timeout: Duration.seconds(FANOUT_WORKER.timeoutSeconds),
    });
    fanout.attachWorker(worker);
    this.fanoutWorker = worker;

    // Retention and erasure (docs/protocol.md): a scheduled purge, and an erasure an
    // operator invokes (docs/deploy.md). Both reach PostgreSQL and Redis, so in the VPC.
    const { retentionPurge, eraseUser } = MAINTENANCE_FUNCTIONS;
    this.retentionPurge = functions.create(
      'RetentionPurge',
      retentionPurge.entry,
      retentionPurge.needs,
      { timeout: Duration.seconds(retentionPurge.timeoutSeconds) },
    );
    new Rule(this, 'RetentionPurgeSchedule', {
      description: 'Purges messages past their room retention',
      schedule: Schedule.expression(retentionPurge.schedule),
      // A failed run is not retried: the next one, an hour later, does the same work.
      targets: [new LambdaFunction(this.retentionPurge, { retryAttempts: 0 })],
    });
    this.eraseUser = functions.create('EraseUser', eraseUser.entry, eraseUser.needs, {
      timeout: Duration.seconds(eraseUser.timeoutSeconds),
    });
    this.files.grant(this.eraseUser, eraseUser.needs.files);

    const alarmed: Record<string, IFunction> = {
      Authorizer: this.authorizer,
      SchemaMigration: migration.function,
    };
    // A function's alarms once, named after its route, or its entry when it serves several
    // (so a route's alarms keep their names as routes are added).
    for (const [entry, fn] of byEntry) {
      const keys = routeKeysOf(entry);
      alarmed[keys.length === 1 && keys[0] !== undefined ? keys[0] : entry] = fn;
    }
    alarmed.FanoutWorker = worker;
    alarmed.RetentionPurge = this.retentionPurge;
    alarmed.EraseUser = this.eraseUser;
    alarmed.ThumbnailWorker = this.files.thumbnailWorker;
    const operations = new Operations(this, 'Operations', {
      stageName: config.stageName,
      functions: alarmed,
      api: websocket.api,
      stage: websocket.stage,
      database: database.instance,
      databaseProxy: database.proxy !== undefined,
      alarmsPerFunction: config.alarmsPerFunction,
      cache: cache.cache,
      cacheMaxEcpuPerSecond: config.cacheMaxEcpuPerSecond,
      cacheMaxDataGiB: config.cacheMaxDataGiB,
      alarmEmail: config.alarmEmail,
    });
    fanout.alarmTo(new SnsAction(operations.topic));

    new CfnOutput(this, 'WebSocketUrl', {
      value: websocket.stage.url,
      description: 'Clients connect here: wss://.../stage?token=JWT',
    });
    new CfnOutput(this, 'CallbackUrl', {
      value: websocket.stage.callbackUrl,
      description: 'The Management API endpoint (@connections)',
    });
    if (jwtSecret) {
      new CfnOutput(this, 'JwtSecretArn', {
        value: jwtSecret.secretArn,
        description: 'Sign client tokens (HS256) with the value of this secret',
      });
    }
    if (production) {
      // Last: it depends on every other resource, so it runs only once all of them exist.
      const protection = new DeletionProtectionOnceDeployed(this, 'DatabaseProtection', {
        instance: database.instance,
        logRetention,
      });
      for (const child of this.node.children) {
        if (child !== protection) protection.node.addDependency(child);
      }
    }
    applyNagSuppressions(this);
  }
}
