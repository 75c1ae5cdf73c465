/**
 * The memoisers: a value made on first use and kept by whoever holds the memo (a container's
 * runtime, its token verifier, one client per endpoint). A container that never needs the
 * value never pays for it.
 */

/** Something slow to create that every later call shares. */
export interface Once<T> {
  (): Promise<T>;
  /** What was created, without creating it: undefined when nothing was (or it failed). */
  created(): Promise<T | undefined>;
}

/**
 * Makes the value once, on first use. A creation that fails is forgotten, so the next call
 * tries again (a secret that was briefly out of reach, a fixed configuration); callers
 * already waiting on it see the failure.
 */
export function once<T>(create: () => Promise<T>): Once<T> {
  let value: Promise<T> | undefined;
  const get = (): Promise<T> => {
    if (!value) {
      // A synchronous throw (a configuration read) rejects like any other failure.
      const creating = (async () => create())();
      value = creating;
      creating.catch(() => {
        if (value === creating) value = undefined;
      });
    }
    return value;
  };
  const created = async (): Promise<T | undefined> => value?.catch(() => undefined);
  return Object.assign(get, { created });
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
