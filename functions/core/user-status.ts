/**
 * Users' statuses (`set_status`): durable in the connections store (one item per user,
 * with `lastSeen`), cached in the presence cache. Reads take the cache and read the
 * durable store for what it lacks, refilling it, so a flushed cache loses no status.
 */
import type { ChatDeps, UserState, UserStatus } from './ports.js';

/** What a user shows who never chose a status. */
export const DEFAULT_STATUS: UserStatus = { status: 'online' };

/** Records a status durably, then caches it (a failed cache write is read through later). */
export async function storeStatus(deps: ChatDeps, userId: string, status: UserStatus) {
  await deps.connections.putStatus(userId, status);
  await deps.presence.putStatus(userId, status).catch((error: unknown) => {
    deps.log.warn('could not cache a status', { error: String(error) });
  });
}

/**
 * The statuses of online users: the cache, then one batched read of the durable store for
 * the users it lacks (cached after). Users with none recorded show `online`.
 */
export async function readStatuses(
  deps: ChatDeps,
  userIds: readonly string[],
): Promise<Map<string, UserStatus>> {
  const found = new Map<string, UserStatus>();
  let cached: (UserStatus | undefined)[] = [];
  try {
    cached = await deps.presence.statuses(userIds);
  } catch (error) {
    deps.log.warn('status cache read failed; reading the durable store', {
      error: String(error),
    });
  }
  const missing: string[] = [];
  userIds.forEach((id, i) => {
    const status = cached[i];
    if (status) found.set(id, status);
    else missing.push(id);
  });
  if (missing.length === 0) return found;
  const states = await deps.connections.userStates(missing);
  await Promise.all(
    missing.map((id) => {
      const status = states.get(id)?.status ?? DEFAULT_STATUS;
      found.set(id, status);
      return deps.presence.putStatus(id, status).catch(() => {});
    }),
  );
  return found;
}

/** What the durable store has of offline users (their `lastSeen`); never cached. */
export function readUserStates(
  deps: ChatDeps,
  userIds: readonly string[],
): Promise<Map<string, UserState>> {
  return userIds.length === 0 ? Promise.resolve(new Map()) : deps.connections.userStates(userIds);
}
