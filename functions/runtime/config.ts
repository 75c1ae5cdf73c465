/** Handler configuration, read once per container from the environment and checked. */
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required'),
  PG_POOL_MAX: z.coerce.number().int().positive().default(5),
  REDIS_URL: z.string().optional(),
  REDIS_CLUSTER: flag,
  REDIS_KEY_PREFIX: z.string().default(''),
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

export type HandlerConfig = z.infer<typeof envSchema>;

export function readConfig(env: NodeJS.ProcessEnv = process.env): HandlerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  if (parsed.data.PARLEY_CACHE === 'redis' && !parsed.data.REDIS_URL) {
    throw new Error('Invalid configuration: REDIS_URL is required (or PARLEY_CACHE=memory in dev)');
  }
  return parsed.data;
}
