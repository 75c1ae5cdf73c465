/**
 * A pg pool that counts the statements sent through it: `pool.query` and every `query` of
 * a client it lends (`pool.connect`, for transactions). Counting, not timing: the number of
 * statements a path costs is deterministic.
 */
import type pg from 'pg';

export interface CountingPool {
  pool: pg.Pool;
  /** Statements sent since the last `reset`. */
  count(): number;
  reset(): void;
}

export function countingPool(pool: pg.Pool): CountingPool {
  let statements = 0;
  const countQuery = <T extends object>(target: T) =>
    new Proxy(target, {
      get(inner, prop, receiver) {
        const value: unknown = Reflect.get(inner, prop, receiver);
        if (typeof value !== 'function') return value;
        const fn = value as (...args: unknown[]) => unknown;
        if (prop === 'query') {
          return (...args: unknown[]) => {
            statements += 1;
            return fn.apply(inner, args);
          };
        }
        if (prop === 'connect' && inner === (pool as object)) {
          return async (...args: unknown[]) => countQuery((await fn.apply(inner, args)) as object);
        }
        return fn.bind(inner);
      },
    });
  return {
    pool: countQuery(pool),
    count: () => statements,
    reset: () => {
      statements = 0;
    },
  };
}
