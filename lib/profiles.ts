/**
 * Deployment profiles: one codebase, three bills (`cdk deploy -c profile=lean|standard|ha`).
 * A profile is a set of settings; `-c parley:KEY=VALUE` still overrides any one of them, and
 * `parley:profiles` in cdk.json may name profiles of your own (`{ "base": "lean", ... }`).
 * What each one gives up is in docs/deploy.md ("Profiles"); what each costs is what
 * `npm run cost` prints (docs/cost.md). The cost model reads these same objects, so a
 * changed setting changes the bill it prints.
 */

/** The settings a profile decides (the rest of ParleyConfig is per deployment). */
export interface ProfileSettings {
  /**
   * NAT gateways, one per AZ at most. 0 makes the VPC dual-stack: the functions in it reach
   * the Management API, Secrets Manager and SQS over IPv6 through an egress-only internet
   * gateway (no hourly charge), and DynamoDB and S3 through free gateway endpoints.
   */
  natGateways: number;
  /** RDS instance class, e.g. `t4g.micro`. */
  databaseInstanceType: string;
  databaseAllocatedStorageGiB: number;
  /** A standby in a second AZ: failover in about a minute instead of a restore. */
  databaseMultiAz: boolean;
  /**
   * RDS Proxy in front of the database: pools the functions' connections and shortens a
   * failover. Without it the functions connect to the instance itself (TLS, RDS's CA).
   */
  databaseProxy: boolean;
  /** Rotate the database password every 30 days (its function needs IPv4 egress: NAT). */
  databaseSecretRotation: boolean;
  /** Performance Insights (its free tier keeps 7 days). */
  databasePerformanceInsights: boolean;
  /** Days of automated RDS backups. */
  backupRetentionDays: number;
  /** Days to keep Lambda and API access logs. */
  logRetentionDays: number;
  /** Active X-Ray tracing of every function (Lambda samples 1 a second, then 5%). */
  functionTracing: boolean;
  /**
   * Lambda's own log lines for every invocation (start, the report with duration and
   * memory). Off, only warnings and errors are logged; the metrics stay.
   */
  functionPlatformLogs: boolean;
  /**
   * An errors and a throttles alarm for each function (about 40 alarms, $0.10 each a month).
   * Off, one of each watches every Lambda function of the account and region together:
   * meant for an account that runs Parley alone; the dashboard still shows each function.
   */
  alarmsPerFunction: boolean;
  /** ElastiCache Serverless ceilings that cap the cost (not what is billed). */
  cacheMaxDataGiB: number;
  cacheMaxEcpuPerSecond: number;
}

export type BuiltInProfileName = 'lean' | 'standard' | 'ha';

export const BUILT_IN_PROFILES: Readonly<Record<BuiltInProfileName, ProfileSettings>> = {
  /** A small app's floor: one database, no NAT, no proxy, no traces. */
  lean: {
    natGateways: 0,
    databaseInstanceType: 't4g.micro',
    databaseAllocatedStorageGiB: 20,
    databaseMultiAz: false,
    databaseProxy: false,
    databaseSecretRotation: false,
    databasePerformanceInsights: false,
    backupRetentionDays: 1,
    logRetentionDays: 7,
    functionTracing: false,
    functionPlatformLogs: false,
    alarmsPerFunction: false,
    cacheMaxDataGiB: 1,
    cacheMaxEcpuPerSecond: 1000,
  },
  /** Production for a modest app: a standby database, pooled connections, one NAT. */
  standard: {
    natGateways: 1,
    databaseInstanceType: 't4g.small',
    databaseAllocatedStorageGiB: 20,
    databaseMultiAz: true,
    databaseProxy: true,
    databaseSecretRotation: true,
    databasePerformanceInsights: true,
    backupRetentionDays: 7,
    logRetentionDays: 30,
    functionTracing: true,
    functionPlatformLogs: true,
    alarmsPerFunction: true,
    cacheMaxDataGiB: 1,
    cacheMaxEcpuPerSecond: 5000,
  },
  /** Nothing single in one AZ: a NAT per AZ, a bigger standby database, longer records. */
  ha: {
    natGateways: 2,
    databaseInstanceType: 't4g.medium',
    databaseAllocatedStorageGiB: 50,
    databaseMultiAz: true,
    databaseProxy: true,
    databaseSecretRotation: true,
    databasePerformanceInsights: true,
    backupRetentionDays: 14,
    logRetentionDays: 90,
    functionTracing: true,
    functionPlatformLogs: true,
    alarmsPerFunction: true,
    cacheMaxDataGiB: 5,
    cacheMaxEcpuPerSecond: 20000,
  },
};

/** What `cdk deploy` uses when no profile is named. */
export const DEFAULT_PROFILE: BuiltInProfileName = 'standard';

export function isBuiltInProfile(name: string): name is BuiltInProfileName {
  return Object.hasOwn(BUILT_IN_PROFILES, name);
}
