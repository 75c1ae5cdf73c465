/** Handler configuration, read once per container from the environment and checked. */
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

/** An optional variable: unset and empty both mean "not set". */
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

/**
 * Where PostgreSQL is: `DATABASE_URL` (local, tests, CI), else the RDS secret named by
 * `DB_SECRET_ARN` with `DB_HOST` (the RDS Proxy endpoint), `DB_PORT` and `DB_NAME`
 * overriding what the secret says.
 */
const databaseShape = {
  DATABASE_URL: optionalString,
  DB_SECRET_ARN: optionalString,
  DB_HOST: optionalString,
  DB_PORT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(1).max(65_535).optional(),
  ),
  DB_NAME: optionalString,
  PG_POOL_MAX: z.coerce.number().int().positive().default(5),
};

const databaseSchema = z.object(databaseShape);

const envSchema = z.object({
  ...databaseShape,
  REDIS_URL: z.string().optional(),
  REDIS_CLUSTER: flag,
  REDIS_KEY_PREFIX: z.string().default(''),
  /** A secret holding `{ "username": ..., "password": ... }` for Redis (ElastiCache). */
  REDIS_SECRET_ARN: optionalString,
  /** `memory` selects the in-process stand-in; the dev server only. */
  PARLEY_CACHE: z.enum(['redis', 'memory']).default('redis'),
  DYNAMODB_ENDPOINT: z.string().optional(),
  CONNECTIONS_TABLE: z.string().default('parley-connections'),
  AWS_REGION: z.string().default('us-east-1'),
  /** The Management API endpoint; else `https://{domainName}/{stage}` from the event. */
  CALLBACK_URL: z.string().optional(),
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(4000),
  POST_CONCURRENCY: z.coerce.number().int().positive().default(64),
  POST_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
});

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type HandlerConfig = z.infer<typeof envSchema>;

function parse<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
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

export function readConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const config = parse(envSchema, env);
  checkDatabase(config);
  if (config.PARLEY_CACHE === 'redis' && !config.REDIS_URL) {
    throw new Error('Invalid configuration: REDIS_URL is required (or PARLEY_CACHE=memory in dev)');
  }
  return config;
}
