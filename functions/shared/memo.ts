/**
 * The memoisers: a value made on first use and kept by whoever holds the memo (a container's
 * runtime, its token verifier, one client per endpoint).
 */

export interface AsyncMemo<T> {
  /** The value, made by the first call and shared by every later one. */
  get(): Promise<T>;
  /**
   * Holds `next` from now on, or nothing (the next `get` makes a fresh value); returns what
   * was held, for the caller to close.
   */
  reset(next?: T): Promise<T> | undefined;
}

/**
 * Makes the value once, on first use. A making that fails is forgotten, so the next call
 * tries again (a secret that was briefly out of reach, a fixed configuration); callers
 * already waiting on it see the failure.
 */
export function asyncMemo<T>(make: () => Promise<T>): AsyncMemo<T> {
  let held: Promise<T> | undefined;
  return {
    get() {
      if (!held) {
        const making = make();
        held = making;
        making.catch(() => {
          if (held === making) held = undefined;
        });
      }
      return held;
    },
    reset(next) {
      const previous = held;
      held = next === undefined ? undefined : Promise.resolve(next);
      return previous;
    },
  };
}

/** One value per key, made on first use of the key and kept. */
export function keyedMemo<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
