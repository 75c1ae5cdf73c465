/** Handler configuration, read once per container from the environment and checked. */
// zod/mini keeps the bundles small (see core/frames.ts).
import * as z from 'zod/mini';
import {
  type ChatLimits,
  DEFAULT_LIMITS,
  ENV_LIMITS,
  LIMITS,
  type LimitEnvName,
} from '../core/limits.js';
import { MAX_MESSAGE_CHARS_CEILING } from '../core/reply-budget.js';
import { FANOUT_WORKER } from '../fanout-settings.js';

const flag = z.pipe(
  z.optional(z.enum(['true', 'false', '1', '0'])),
  z.transform((v) => v === 'true' || v === '1'),
);

/** An optional variable: unset and empty both mean "not set". */
const optionalString = z.pipe(
  z.optional(z.string()),
  z.transform((v) => (v ? v : undefined)),
);

/** A positive integer read from text, with a default when unset. */
const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/** The chat limits the environment may set, each with its default (core/limits.ts). */
const limitsShape = Object.fromEntries(
  ENV_LIMITS.map((name) => [LIMITS[name].env, positiveInt(LIMITS[name].default)]),
) as Record<LimitEnvName, ReturnType<typeof positiveInt>>;

/**
 * Where PostgreSQL is: `DATABASE_URL` (local, tests, CI), else the RDS secret named by
 * `DB_SECRET_ARN` with `DB_HOST` (the RDS Proxy endpoint), `DB_PORT` and `DB_NAME`
 * overriding what the secret says.
 */
const databaseShape = {
  DATABASE_URL: optionalString,
  DB_SECRET_ARN: optionalString,
  DB_HOST: optionalString,
  DB_PORT: z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(65_535))),
  ),
  DB_NAME: optionalString,
  PG_POOL_MAX: positiveInt(5),
};

const databaseSchema = z.object(databaseShape);

/** Only what the $connect route needs: reaching DynamoDB, and its cap. */
const connectionsShape = {
  DYNAMODB_ENDPOINT: z.optional(z.string()),
  CONNECTIONS_TABLE: z._default(z.string(), 'parley-connections'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  MAX_CONNECTIONS_PER_USER: limitsShape.MAX_CONNECTIONS_PER_USER,
};

const connectionsSchema = z.object(connectionsShape);

/** Only what the attachments' bucket needs (the thumbnail worker). */
const filesShape = {
  /** The attachments' bucket (protocol v2, "Files"); without it uploads are `unavailable`. */
  S3_BUCKET: optionalString,
  /** An S3-compatible endpoint (path-style): the dev server's local S3 (local/s3/). */
  S3_ENDPOINT: optionalString,
  AWS_REGION: connectionsShape.AWS_REGION,
};

const filesSchema = z.object(filesShape);

/** Posts in flight at once per broadcast (`POST_CONCURRENCY`), the sender's pool. */
export const DEFAULT_POST_CONCURRENCY = 64;

/** How long one PostToConnection attempt may take (`POST_TIMEOUT_MS`). */
export const DEFAULT_POST_TIMEOUT_MS = 3000;

const envSchema = z.object({
  ...databaseShape,
  ...limitsShape,
  ...connectionsShape,
  REDIS_URL: z.optional(z.string()),
  REDIS_CLUSTER: flag,
  REDIS_KEY_PREFIX: z._default(z.string(), ''),
  /** A secret holding `{ "username": ..., "password": ... }` for Redis (ElastiCache). */
  REDIS_SECRET_ARN: optionalString,
  /** `memory` selects the in-process stand-in; the dev server only. */
  PARLEY_CACHE: z._default(z.enum(['redis', 'memory']), 'redis'),
  /** The Management API endpoint; else `https://{domainName}/{stage}` from the event. */
  CALLBACK_URL: z.optional(z.string()),
  /**
   * The one limit with a bound: one message of the heaviest characters must always fit in
   * a reply. Pages shrink to fit 128 KB, but never below one message (core/reply-budget.ts).
   */
  MAX_MESSAGE_CHARS: z._default(
    z.coerce
      .number()
      .check(
        z.int(),
        z.positive(),
        z.maximum(
          MAX_MESSAGE_CHARS_CEILING,
          `at most ${MAX_MESSAGE_CHARS_CEILING}: one message of that many characters, each ` +
            `escaped to 6 bytes of JSON, is the most that always fits in one 128 KB reply`,
        ),
      ),
    LIMITS.maxMessageChars.default,
  ),
  POST_CONCURRENCY: positiveInt(DEFAULT_POST_CONCURRENCY),
  POST_TIMEOUT_MS: positiveInt(DEFAULT_POST_TIMEOUT_MS),
  /**
   * The fan-out queue (SQS) and its dead-letter queue, which rooms above
   * FANOUT_INLINE_MAX need (see runtime/queues.ts); the stack and the dev server set them.
   */
  FANOUT_QUEUE_URL: optionalString,
  FANOUT_DEAD_LETTER_QUEUE_URL: optionalString,
  /** The SQS endpoint; the local gateway's emulated queue in dev and tests. */
  SQS_ENDPOINT: optionalString,
  /**
   * The function's only way out is IPv6 (the lean profile: no NAT, lib/network.ts), so AWS
   * services without a gateway endpoint are reached at their dual-stack endpoints.
   */
  PARLEY_IPV6_EGRESS: flag,
  /**
   * The fan-out worker: posts one invocation may start per second, its share of the
   * account's 10,000 requests/s (docs/capacity.md).
   */
  FANOUT_POSTS_PER_SECOND: positiveInt(FANOUT_WORKER.postsPerSecond),
  ...filesShape,
});

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type ConnectionsConfig = z.infer<typeof connectionsSchema>;
export type HandlerConfig = z.infer<typeof envSchema>;
export type FilesConfig = z.infer<typeof filesSchema>;

function parse<T extends z.ZodMiniType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data as z.infer<T>;
}

function checkDatabase(config: DatabaseConfig): void {
  if (!config.DATABASE_URL && !config.DB_SECRET_ARN) {
    throw new Error('Invalid configuration: DATABASE_URL or DB_SECRET_ARN is required');
  }
}

/** Only what reaching PostgreSQL needs (the schema migration on deploy). */
export function readDatabaseConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const config = parse(databaseSchema, env);
  checkDatabase(config);
  return config;
}

/** Only what reaching the connections table needs. */
export function readConnectionsConfig(env: NodeJS.ProcessEnv = process.env): ConnectionsConfig {
  return parse(connectionsSchema, env);
}

/** Only what reaching the attachments' bucket needs; `S3_BUCKET` is required. */
export function readFilesConfig(env: NodeJS.ProcessEnv = process.env): FilesConfig {
  const config = parse(filesSchema, env);
  if (!config.S3_BUCKET) throw new Error('Invalid configuration: S3_BUCKET is required');
  return config;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const config = parse(envSchema, env);
  checkDatabase(config);
  if (config.PARLEY_CACHE === 'redis' && !config.REDIS_URL) {
    throw new Error('Invalid configuration: REDIS_URL is required (or PARLEY_CACHE=memory in dev)');
  }
  return config;
}

/** The chat core's limits: the table's defaults, with what the environment set. */
export function chatLimits(config: HandlerConfig): ChatLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of ENV_LIMITS) limits[name] = config[LIMITS[name].env];
  return limits;
}
