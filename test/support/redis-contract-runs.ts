/**
 * Runs a port's contract on the run's Redis as the runtime uses it: bare, and behind the
 * circuit breaker the runtime wraps every Redis adapter in. Each run keeps its keys under
 * a prefix of its own and deletes them after. Answers the file's client, and a prefix of
 * its own for the adapter's own tests; both are cleaned up after the file.
 */
import type { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { CircuitBreaker, withCircuitBreaker } from '../../functions/stores/circuit-breaker.js';
import { deleteKeysUnder, testRedis, uid } from './services.js';

export type ContractFactory<T> = () => Promise<[T, () => Promise<void>]>;

export function onRedisBareAndBehindBreaker<T extends object>(
  contract: (name: string, factory: ContractFactory<T>) => void,
  make: (redis: Redis, keyPrefix: string) => T,
): { redis: Redis; prefix: string } {
  const redis = testRedis();
  const prefix = `${uid('test')}:`;
  const runs: [string, string, (port: T) => T][] = [
    ['Redis', `${uid('test')}:`, (port) => port],
    [
      'Redis behind the circuit breaker',
      `${uid('test')}:`,
      (port) => withCircuitBreaker(port, new CircuitBreaker({ store: 'Redis' })),
    ],
  ];
  afterAll(async () => {
    for (const keyPrefix of [prefix, ...runs.map(([, p]) => p)]) {
      await deleteKeysUnder(redis, keyPrefix);
    }
    redis.disconnect();
  });
  for (const [name, keyPrefix, wrap] of runs) {
    contract(name, async () => [
      wrap(make(redis, keyPrefix)),
      async () => {
        await deleteKeysUnder(redis, keyPrefix);
      },
    ]);
  }
  return { redis, prefix };
}
