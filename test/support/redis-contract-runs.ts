/**
 * Runs a port's contract on the run's Redis as the runtime uses it: bare, and behind the
 * circuit breaker the runtime wraps every Redis adapter in. Each run keeps its keys under
 * a prefix of its own and deletes them after.
 */
import type { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { CircuitBreaker, withCircuitBreaker } from '../../functions/stores/circuit-breaker.js';
import { deleteKeysUnder, uid } from './services.js';

export type ContractFactory<T> = () => Promise<[T, () => Promise<void>]>;

export function onRedisBareAndBehindBreaker<T extends object>(
  redis: Redis,
  contract: (name: string, factory: ContractFactory<T>) => void,
  make: (keyPrefix: string) => T,
): void {
  const runs: [string, string, (port: T) => T][] = [
    ['Redis', `${uid('test')}:`, (port) => port],
    [
      'Redis behind the circuit breaker',
      `${uid('test')}:`,
      (port) => withCircuitBreaker(port, new CircuitBreaker({ store: 'Redis' })),
    ],
  ];
  afterAll(async () => {
    for (const [, prefix] of runs) await deleteKeysUnder(redis, prefix);
  });
  for (const [name, prefix, wrap] of runs) {
    contract(name, async () => [
      wrap(make(prefix)),
      async () => {
        await deleteKeysUnder(redis, prefix);
      },
    ]);
  }
}
