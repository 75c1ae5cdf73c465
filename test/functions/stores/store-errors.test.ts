/** Every adapter's failures go through the one translator (functions/stores/store-errors.ts). */
import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ChatError, StoreUnavailableError } from '../../../functions/core/errors.js';
import { guarded as dynamodb } from '../../../functions/stores/dynamodb/errors.js';
import { asUnavailable } from '../../../functions/stores/management-api/sender.js';
import { guarded as postgres } from '../../../functions/stores/postgres/errors.js';
import { guardedRedis as redis } from '../../../functions/stores/redis/errors.js';
import { guardedSqs as sqs } from '../../../functions/stores/sqs/errors.js';

const guards = {
  PostgreSQL: postgres,
  DynamoDB: dynamodb,
  'fan-out queue': sqs,
  Redis: redis,
  'API Gateway': <T>(run: () => Promise<T>) =>
    run().catch((error: unknown) => {
      throw asUnavailable(error);
    }),
};

function failing(error: unknown): () => Promise<never> {
  return () => Promise.reject(error);
}

function networkError(code: string): Error {
  return Object.assign(new Error(`getaddrinfo ${code} example`), { code });
}

describe.each(Object.entries(guards))('the %s guard', (store, guard) => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'turns %s into unavailable, with the failure as its cause',
    async (code) => {
      const cause = networkError(code);
      const error = await guard(failing(cause)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'unavailable', store, cause });
    },
  );

  it('lets an error the core already knows pass as it is', async () => {
    const known = new ChatError('not_found', 'no such room');
    await expect(guard(failing(known))).rejects.toBe(known);
  });

  it('answers what the call answers', async () => {
    await expect(guard(() => Promise.resolve(42))).resolves.toBe(42);
  });
});

describe('vendor recognisers', () => {
  it('rethrows what is a bug, not an outage', async () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    await expect(postgres(failing(syntax))).rejects.toBe(syntax);
    const validation = Object.assign(new Error('bad key'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(dynamodb(failing(validation))).rejects.toBe(validation);
    const wrongType = new ReplyError('WRONGTYPE Operation against a key');
    await expect(redis(failing(wrongType))).rejects.toBe(wrongType);
    const tooLarge = Object.assign(new Error('too large'), { $metadata: { httpStatusCode: 413 } });
    expect(asUnavailable(tooLarge)).toBe(tooLarge);
  });

  it('knows each vendor’s own way of saying it cannot serve now', async () => {
    const shutdown = Object.assign(new Error('admin shutdown'), { code: '57P01' });
    await expect(postgres(failing(shutdown))).rejects.toBeInstanceOf(StoreUnavailableError);
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(dynamodb(failing(throttled))).rejects.toBeInstanceOf(StoreUnavailableError);
    const loading = new ReplyError('LOADING Redis is loading the dataset in memory');
    await expect(redis(failing(loading))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(redis(failing(new Error('Connection is closed.')))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});
