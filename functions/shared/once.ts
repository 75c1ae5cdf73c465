/**
 * Something slow to create that every later call shares (a container's runtime, its token
 * verifier): made on first use, so a container that never needs it never pays for it. A
 * failed creation is forgotten, so the next call tries again (a secret that was briefly out
 * of reach, a fixed configuration).
 */
export interface Once<T> {
  (): Promise<T>;
  /** What was created, without creating it: undefined when nothing was (or it failed). */
  created(): Promise<T | undefined>;
}

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
