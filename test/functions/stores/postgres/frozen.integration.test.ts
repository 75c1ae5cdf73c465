/**
 * A PostgreSQL that stops answering (frozen: it accepts connections and reads, never
 * replies) costs each request its deadline, then `unavailable`, never the freeze's length.
 * A proxy of the test's own goes silent in front of the shared server, which is never
 * itself stopped.
 *
 * No timing thresholds: a request that waited for the database would never be answered,
 * and the test's own timeout fails it. The figures are in
 * docs/decisions/2026-12-06-postgres-deadlines.md.
 */
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { StoreUnavailableError } from '../../../../functions/core/errors.js';
import { guarded } from '../../../../functions/stores/postgres/errors.js';
import { POSTGRES_DEADLINES } from '../../../../functions/stores/postgres/pool-options.js';
import { startTestParley, type TestParley } from '../../../support/parley.js';
import { uid } from '../../../support/services.js';
import { type StallingProxy, startStallingProxy } from '../../../support/stalling-proxy.js';

let parley: TestParley | undefined;
let proxy: StallingProxy | undefined;
afterEach(async () => {
  // The proxy first: it ends the sockets the pool would otherwise wait on to close.
  await proxy?.close();
  proxy = undefined;
  await parley?.close();
  parley = undefined;
});

/** The suite's database, reached through a proxy that can go silent. */
async function proxiedDatabase(): Promise<string> {
  const url = new URL(inject('databaseUrl'));
  proxy = await startStallingProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.host = proxy.address;
  return url.toString();
}

describe('PostgreSQL frozen mid-run', () => {
  it('answers unavailable within its deadline, on open and on new connections', async () => {
    parley = await startTestParley({ DATABASE_URL: await proxiedDatabase(), PG_POOL_MAX: '2' });
    const alice = await parley.connect('alice');
    const room = uid();
    expect(await alice.join(room)).toMatchObject({ type: 'room_history' });
    await alice.send(room, 'before');

    proxy!.stall();
    // The pool's open connections: each statement meets the client's deadline.
    for (const content of ['during 1', 'during 2']) {
      const reply = await alice.request({ action: 'send_message', roomId: room, content });
      expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
    }
    // Those connections were dropped; new ones log in to a silent server and time out.
    const reply = await alice.join(uid());
    expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
    // The connection stays usable.
    expect(await alice.request({ action: 'dance' })).toMatchObject({ code: 'unknown_action' });
  });
});

describe('PostgreSQL slow but alive', () => {
  it('cancels a statement past its deadline itself (57014), answering unavailable', async () => {
    const pool = new pg.Pool({
      connectionString: inject('databaseUrl'),
      max: 1,
      ...POSTGRES_DEADLINES,
    });
    try {
      const error = await guarded(() => pool.query('SELECT pg_sleep(30)')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      // The server's bound, not the client's: the statement was rolled back, and the
      // connection is still good.
      expect((error as StoreUnavailableError).cause).toMatchObject({ code: '57014' });
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
