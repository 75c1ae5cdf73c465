/**
 * The cap on connections per user, at `$connect`: a user with `maxConnectionsPerUser` live
 * connections cannot open another until one closes (or its record outlives API Gateway's
 * 2-hour limit, for a `$disconnect` that never came). Counted before the new connection is
 * recorded, so a refused handshake leaves nothing behind (a refused `$connect` never gets
 * a `$disconnect` to clean up after it). Two handshakes racing at the cap may both pass: it
 * bounds what one user holds, not exactly.
 */
import type { ConnectionRecord, ConnectionStore } from './ports.js';

export type ConnectionAdmission = { ok: true } | { ok: false; live: number };

export async function openConnection(
  store: ConnectionStore,
  maxConnectionsPerUser: number,
  connection: ConnectionRecord,
): Promise<ConnectionAdmission> {
  const live = await store.liveConnectionsOf(connection.userId);
  if (live >= maxConnectionsPerUser) return { ok: false, live };
  await store.putConnection(connection);
  return { ok: true };
}
