/**
 * Deployment settings: typed stack props, read from `cdk.json` context (`-c key=value`
 * overrides) with defaults for a small production deployment.
 */
import type { Node } from 'constructs';

export type JwtMode = 'hs256' | 'jwks';

export interface ParleyConfig {
  /** The API Gateway stage and a suffix of resource names. `prod` turns on protection. */
  stageName: string;
  /** NAT gateways (one per AZ for availability, one to save cost). */
  natGateways: number;
  /** RDS instance class, e.g. `t4g.small`. */
  databaseInstanceType: string;
  databaseAllocatedStorageGiB: number;
  databaseMultiAz: boolean;
  /** Days of automated RDS backups. */
  backupRetentionDays: number;
  /** `hs256`: a secret generated in Secrets Manager; `jwks`: verify an issuer's tokens. */
  jwtMode: JwtMode;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Days to keep Lambda and API access logs. */
  logRetentionDays: number;
  /** ElastiCache Serverless ceilings that cap the cost. */
  cacheMaxDataGiB: number;
  cacheMaxEcpuPerSecond: number;
  /** API Gateway stage throttling. */
  throttleRateLimit: number;
  throttleBurstLimit: number;
  /** Where alarm notifications go (an e-mail subscription), if anywhere. */
  alarmEmail?: string;
  /**
   * Set (`-c parley:deployId=...`) to make the schema migration run on this deploy even
   * though no migration changed; a new value runs it again. Unset by default, so the same
   * code gives the same template.
   */
  deployId?: string;
  /** Origins the chat page is served from, for the files bucket's CORS (`*`: any). */
  filesCorsOrigins: string[];
  /** Days an attachment (and its thumbnail) is kept; 0 keeps them until deleted. */
  filesRetentionDays: number;
}

export const DEFAULT_CONFIG: ParleyConfig = {
  stageName: 'prod',
  natGateways: 2,
  databaseInstanceType: 't4g.small',
  databaseAllocatedStorageGiB: 20,
  databaseMultiAz: true,
  backupRetentionDays: 7,
  jwtMode: 'hs256',
  logRetentionDays: 30,
  cacheMaxDataGiB: 1,
  cacheMaxEcpuPerSecond: 5000,
  throttleRateLimit: 1000,
  throttleBurstLimit: 2000,
  filesCorsOrigins: ['*'],
  filesRetentionDays: 0,
};

/** Stage names end up in resource names with the strictest rules (ElastiCache ids). */
export const STAGE_NAME = /^(?=.{1,20}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** True for stages whose data must survive a mistaken `cdk destroy`. */
export function isProduction(config: ParleyConfig): boolean {
  return config.stageName === 'prod';
}

function read(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(`parley:${key}`);
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** Reads every setting from context, falling back to the defaults. */
export function configFromContext(node: Node): ParleyConfig {
  const text = (key: keyof ParleyConfig) => read(node, key);
  const number = (key: keyof ParleyConfig, fallback: number) => {
    const value = text(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`parley:${key} must be a number, got ${value}`);
    return parsed;
  };
  const jwtMode = (text('jwtMode') ?? DEFAULT_CONFIG.jwtMode) as JwtMode;
  if (jwtMode !== 'hs256' && jwtMode !== 'jwks') {
    throw new Error(`parley:jwtMode must be hs256 or jwks, got ${jwtMode}`);
  }
  const config: ParleyConfig = {
    stageName: text('stageName') ?? DEFAULT_CONFIG.stageName,
    natGateways: number('natGateways', DEFAULT_CONFIG.natGateways),
    databaseInstanceType: text('databaseInstanceType') ?? DEFAULT_CONFIG.databaseInstanceType,
    databaseAllocatedStorageGiB: number(
      'databaseAllocatedStorageGiB',
      DEFAULT_CONFIG.databaseAllocatedStorageGiB,
    ),
    databaseMultiAz: (text('databaseMultiAz') ?? String(DEFAULT_CONFIG.databaseMultiAz)) === 'true',
    backupRetentionDays: number('backupRetentionDays', DEFAULT_CONFIG.backupRetentionDays),
    jwtMode,
    jwksUrl: text('jwksUrl'),
    jwtIssuer: text('jwtIssuer'),
    jwtAudience: text('jwtAudience'),
    logRetentionDays: number('logRetentionDays', DEFAULT_CONFIG.logRetentionDays),
    cacheMaxDataGiB: number('cacheMaxDataGiB', DEFAULT_CONFIG.cacheMaxDataGiB),
    cacheMaxEcpuPerSecond: number('cacheMaxEcpuPerSecond', DEFAULT_CONFIG.cacheMaxEcpuPerSecond),
    throttleRateLimit: number('throttleRateLimit', DEFAULT_CONFIG.throttleRateLimit),
    throttleBurstLimit: number('throttleBurstLimit', DEFAULT_CONFIG.throttleBurstLimit),
    alarmEmail: text('alarmEmail'),
    deployId: text('deployId'),
    filesCorsOrigins:
      text('filesCorsOrigins')
        ?.split(',')
        .map((o) => o.trim())
        .filter(Boolean) ?? DEFAULT_CONFIG.filesCorsOrigins,
    filesRetentionDays: number('filesRetentionDays', DEFAULT_CONFIG.filesRetentionDays),
  };
  return validateConfig(config);
}

/** Checks settings that would otherwise fail late, at deploy time. */
export function validateConfig(config: ParleyConfig): ParleyConfig {
  if (!STAGE_NAME.test(config.stageName)) {
    throw new Error(
      `parley:stageName must be lowercase letters, digits and single hyphens, at most 20 characters (${config.stageName})`,
    );
  }
  if (config.jwtMode === 'jwks' && !config.jwksUrl) {
    throw new Error('parley:jwtMode=jwks needs parley:jwksUrl (e.g. a Cognito user pool JWKS URL)');
  }
  return config;
}
