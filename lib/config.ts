/**
 * Deployment settings: typed stack props. A profile (lib/profiles.ts, `-c profile=NAME`)
 * gives the settings that decide the bill; `cdk.json` context and `-c parley:KEY=VALUE`
 * override any of them.
 */
import type { Node } from 'constructs';
import {
  BUILT_IN_PROFILES,
  DEFAULT_PROFILE,
  isBuiltInProfile,
  type ProfileSettings,
} from './profiles.js';

export type JwtMode = 'hs256' | 'jwks';

export interface ParleyConfig extends ProfileSettings {
  /** The profile the settings started from (lib/profiles.ts), or a name of your own. */
  profile: string;
  /** The API Gateway stage and a suffix of resource names. `prod` turns on protection. */
  stageName: string;
  /** `hs256`: a secret generated in Secrets Manager; `jwks`: verify an issuer's tokens. */
  jwtMode: JwtMode;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
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
  profile: DEFAULT_PROFILE,
  ...BUILT_IN_PROFILES[DEFAULT_PROFILE],
  stageName: 'prod',
  jwtMode: 'hs256',
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

/**
 * The profile named by `-c profile=NAME` (or `parley:profile`): a built-in one, or one of
 * `parley:profiles` (`{ "mine": { "base": "lean", "databaseInstanceType": "t4g.small" } }`),
 * whose settings start from its `base` (the default profile when it names none).
 */
export function profileFromContext(node: Node): { name: string; settings: ProfileSettings } {
  const name = String(
    node.tryGetContext('profile') ?? node.tryGetContext('parley:profile') ?? DEFAULT_PROFILE,
  );
  if (isBuiltInProfile(name)) return { name, settings: { ...BUILT_IN_PROFILES[name] } };
  const custom: unknown = node.tryGetContext('parley:profiles');
  const own =
    typeof custom === 'object' && custom !== null
      ? (custom as Record<string, unknown>)[name]
      : undefined;
  if (typeof own !== 'object' || own === null) {
    const known = [...Object.keys(BUILT_IN_PROFILES), ...Object.keys(custom ?? {})];
    throw new Error(
      `profile ${name} is not one of ${known.join(', ')} (parley:profiles in cdk.json adds your own)`,
    );
  }
  const { base = DEFAULT_PROFILE, ...overrides } = own as Record<string, unknown>;
  if (typeof base !== 'string' || !isBuiltInProfile(base)) {
    throw new Error(`profile ${name}: base must be lean, standard or ha, got ${String(base)}`);
  }
  const settings: ProfileSettings = { ...BUILT_IN_PROFILES[base] };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(settings, key)) {
      throw new Error(`profile ${name}: ${key} is not a profile setting (lib/profiles.ts)`);
    }
    const expected = typeof settings[key as keyof ProfileSettings];
    if (typeof value !== expected) {
      throw new Error(
        `profile ${name}: ${key} must be a ${expected}, got ${JSON.stringify(value)}`,
      );
    }
    Object.assign(settings, { [key]: value });
  }
  return { name, settings };
}

/** Reads every setting from context: the profile's, then each `parley:KEY` over it. */
export function configFromContext(node: Node): ParleyConfig {
  const { name, settings } = profileFromContext(node);
  const text = (key: keyof ParleyConfig) => read(node, key);
  const number = (key: keyof ParleyConfig, fallback: number) => {
    const value = text(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`parley:${key} must be a number, got ${value}`);
    return parsed;
  };
  const boolean = (key: keyof ParleyConfig, fallback: boolean) => {
    const value = text(key);
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') {
      throw new Error(`parley:${key} must be true or false, got ${value}`);
    }
    return value === 'true';
  };
  const jwtMode = (text('jwtMode') ?? DEFAULT_CONFIG.jwtMode) as JwtMode;
  if (jwtMode !== 'hs256' && jwtMode !== 'jwks') {
    throw new Error(`parley:jwtMode must be hs256 or jwks, got ${jwtMode}`);
  }
  // Each of the profile's settings, over-ridden by `parley:KEY` read as its own type.
  const overridden = Object.fromEntries(
    Object.entries(settings).map(([key, fallback]) => {
      const setting = key as keyof ProfileSettings;
      if (typeof fallback === 'number') return [key, number(setting, fallback)];
      if (typeof fallback === 'boolean') return [key, boolean(setting, fallback)];
      return [key, text(setting) ?? fallback];
    }),
  ) as ProfileSettings;
  const config: ParleyConfig = {
    profile: name,
    ...overridden,
    stageName: text('stageName') ?? DEFAULT_CONFIG.stageName,
    jwtMode,
    jwksUrl: text('jwksUrl'),
    jwtIssuer: text('jwtIssuer'),
    jwtAudience: text('jwtAudience'),
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
  if (!Number.isInteger(config.natGateways) || config.natGateways < 0 || config.natGateways > 2) {
    throw new Error(
      `parley:natGateways must be 0, 1 or 2 (the VPC spans two AZs), got ${config.natGateways}`,
    );
  }
  if (config.databaseSecretRotation && config.natGateways === 0) {
    throw new Error(
      'parley:databaseSecretRotation needs NAT: the rotation function reaches Secrets Manager ' +
        'over IPv4 only (set parley:natGateways=1, or parley:databaseSecretRotation=false)',
    );
  }
  if (config.jwtMode === 'jwks' && !config.jwksUrl) {
    throw new Error('parley:jwtMode=jwks needs parley:jwksUrl (e.g. a Cognito user pool JWKS URL)');
  }
  return config;
}
