import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_CHARS_CEILING } from '../../../functions/core/reply-budget.js';
import { readConfig, readDatabaseConfig } from '../../../functions/runtime/config.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-db-AbCdEf';

describe('readConfig: where PostgreSQL is', () => {
  it('takes DATABASE_URL as it is (local, tests, CI)', () => {
    const config = readConfig({ DATABASE_URL: 'postgres://u@h/db', PARLEY_CACHE: 'memory' });
    expect(config.DATABASE_URL).toBe('postgres://u@h/db');
    expect(config.DB_SECRET_ARN).toBeUndefined();
    expect(config.PG_POOL_MAX).toBe(5);
  });

  it('takes DB_SECRET_ARN with the proxy endpoint, port and database name', () => {
    const config = readConfig({
      DB_SECRET_ARN: ARN,
      DB_HOST: 'parley.proxy-abc.us-east-1.rds.amazonaws.com',
      DB_PORT: '5432',
      DB_NAME: 'chat',
      REDIS_URL: 'rediss://cache.serverless.use1.cache.amazonaws.com:6379',
      REDIS_CLUSTER: 'true',
      REDIS_SECRET_ARN: `${ARN}-redis`,
    });
    expect(config).toMatchObject({
      DB_SECRET_ARN: ARN,
      DB_HOST: 'parley.proxy-abc.us-east-1.rds.amazonaws.com',
      DB_PORT: 5432,
      DB_NAME: 'chat',
      REDIS_CLUSTER: true,
      REDIS_SECRET_ARN: `${ARN}-redis`,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('takes DB_SECRET_ARN alone: host, port and name may come from the secret', () => {
    const config = readConfig({ DB_SECRET_ARN: ARN, PARLEY_CACHE: 'memory' });
    expect(config.DB_SECRET_ARN).toBe(ARN);
    expect(config.DB_HOST).toBeUndefined();
    expect(config.DB_PORT).toBeUndefined();
    expect(config.DB_NAME).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    const config = readConfig({
      DATABASE_URL: '',
      DB_SECRET_ARN: ARN,
      DB_HOST: '',
      DB_PORT: '',
      DB_NAME: '',
      REDIS_SECRET_ARN: '',
      PARLEY_CACHE: 'memory',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DB_HOST).toBeUndefined();
    expect(config.DB_PORT).toBeUndefined();
    expect(config.REDIS_SECRET_ARN).toBeUndefined();
  });

  it('requires DATABASE_URL or DB_SECRET_ARN', () => {
    expect(() => readConfig({ PARLEY_CACHE: 'memory' })).toThrow(
      /DATABASE_URL or DB_SECRET_ARN is required/,
    );
    expect(() =>
      readConfig({ DATABASE_URL: '', DB_SECRET_ARN: '', PARLEY_CACHE: 'memory' }),
    ).toThrow(/DATABASE_URL or DB_SECRET_ARN is required/);
  });

  it.each(['0', '70000', 'abc', '54.3'])('refuses DB_PORT=%s', (port) => {
    expect(() => readConfig({ DB_SECRET_ARN: ARN, DB_PORT: port, PARLEY_CACHE: 'memory' })).toThrow(
      /Invalid configuration: DB_PORT/,
    );
  });

  it('takes MAX_MESSAGE_CHARS up to the most that always fits in one 128 KB reply', () => {
    const env = { DB_SECRET_ARN: ARN, PARLEY_CACHE: 'memory' } as const;
    expect(readConfig(env).MAX_MESSAGE_CHARS).toBe(4000);
    expect(
      readConfig({ ...env, MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS_CEILING) }),
    ).toMatchObject({ MAX_MESSAGE_CHARS: MAX_MESSAGE_CHARS_CEILING });
    expect(() =>
      readConfig({ ...env, MAX_MESSAGE_CHARS: String(MAX_MESSAGE_CHARS_CEILING + 1) }),
    ).toThrow(
      `Invalid configuration: MAX_MESSAGE_CHARS: at most ${MAX_MESSAGE_CHARS_CEILING}: one message`,
    );
  });

  it('still requires REDIS_URL unless the cache is the in-process stand-in', () => {
    expect(() => readConfig({ DB_SECRET_ARN: ARN })).toThrow(/REDIS_URL is required/);
  });
});

describe('readDatabaseConfig (the schema migration on deploy)', () => {
  it('needs no Redis or other handler settings', () => {
    expect(readDatabaseConfig({ DB_SECRET_ARN: ARN, DB_HOST: 'proxy' })).toMatchObject({
      DB_SECRET_ARN: ARN,
      DB_HOST: 'proxy',
    });
    expect(readDatabaseConfig({ DATABASE_URL: 'postgres://u@h/db' }).DATABASE_URL).toBe(
      'postgres://u@h/db',
    );
  });

  it('requires DATABASE_URL or DB_SECRET_ARN', () => {
    expect(() => readDatabaseConfig({})).toThrow(/DATABASE_URL or DB_SECRET_ARN is required/);
  });
});
