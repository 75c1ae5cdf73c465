/**
 * The MessageStore contract on PostgreSQL: the run's (DATABASE_URL), the dev server's
 * embedded one, and the run's behind the circuit breaker the runtime wraps it in. Then what
 * only PostgreSQL shows: its rows, its ids' clock and its schema's own checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageStore } from '../../../../functions/core/ports.js';
import {
  CircuitBreaker,
  withCircuitBreaker,
} from '../../../../functions/stores/circuit-breaker.js';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { migrate } from '../../../../functions/stores/postgres/migrate.js';
import { startEmbeddedPostgres } from '../../../../local/embedded/postgres.js';
import { testPool, uid } from '../../../support/services.js';
import {
  type MessageStoreHarness,
  messageStoreContract,
} from '../../core/ports/message-store.contract.js';

/** The dev server's embedded PostgreSQL, started once for this file and stopped after it. */
let embedded: Promise<{ pool: pg.Pool; stop: () => Promise<void> }> | undefined;
function embeddedPool(): Promise<pg.Pool> {
  embedded ??= (async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-contract-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
    const pool = new pg.Pool({ connectionString: server.url, max: 10 });
    await migrate(pool);
    return {
      pool,
      stop: async () => {
        await pool.end();
        await server.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  })();
  return embedded.then((e) => e.pool);
}
afterAll(async () => {
  await (await embedded)?.stop();
});

/** Private rooms and bans are rows: set them as room administration will. */
function postgresHarness(pool: pg.Pool, store: MessageStore): MessageStoreHarness {
  return {
    store,
    async makePrivate(roomId: string) {
      await pool.query("UPDATE rooms SET visibility = 'private' WHERE id = $1", [roomId]);
    },
    async ban(roomId: string, userId: string) {
      await pool.query(
        'UPDATE room_members SET banned_at = now() WHERE room_id = $1 AND user_id = $2',
        [roomId, userId],
      );
    },
    async remove(roomId: string, userId: string) {
      await pool.query('DELETE FROM room_members WHERE room_id = $1 AND user_id = $2', [
        roomId,
        userId,
      ]);
    },
    async encrypt(roomId: string) {
      await pool.query('UPDATE rooms SET encrypted = true WHERE id = $1', [roomId]);
    },
  };
}

messageStoreContract('PostgreSQL (DATABASE_URL)', async () => {
  const pool = testPool();
  return [postgresHarness(pool, new PostgresMessageStore(pool)), () => pool.end()];
});

// The dev server's embedded PostgreSQL must behave the same as the real one.
messageStoreContract('embedded PostgreSQL (dev)', async () => {
  const pool = await embeddedPool();
  return [postgresHarness(pool, new PostgresMessageStore(pool)), async () => {}];
});

// What the handlers get: every call through the breaker's proxy.
messageStoreContract('PostgreSQL behind the circuit breaker', async () => {
  const pool = testPool();
  const store = withCircuitBreaker(
    new PostgresMessageStore(pool),
    new CircuitBreaker({ store: 'PostgreSQL' }),
  );
  return [postgresHarness(pool, store), () => pool.end()];
});

function postgresSpecifics(name: string, poolFor: () => Promise<[pg.Pool, () => Promise<void>]>) {
  describe(`PostgresMessageStore: ${name}`, () => {
    let pool: pg.Pool;
    let cleanup: (() => Promise<void>) | undefined;
    let store: PostgresMessageStore;
    beforeAll(async () => {
      [pool, cleanup] = await poolFor();
      store = new PostgresMessageStore(pool);
    });
    afterAll(() => cleanup?.());

    it("makes a new room's creator its owner, later joiners members", async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await store.joinRoom(room, 'bob');
      const { rows } = await pool.query(
        'SELECT user_id, role FROM room_members WHERE room_id = $1 ORDER BY user_id',
        [room],
      );
      expect(rows).toEqual([
        { user_id: 'alice', role: 'owner' },
        { user_id: 'bob', role: 'member' },
      ]);
    });

    it('gives messages time-ordered ids (UUIDv7) stamped with the time they were stored', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const before = Date.now();
      const { message } = await store.appendMessage({
        roomId: room,
        userId: 'alice',
        content: 'stamped',
      });
      const after = Date.now();
      expect(message.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      const stampedMs = Number.parseInt(message.id.replaceAll('-', '').slice(0, 12), 16);
      // The database clock and ours agree on this machine to well within a second.
      expect(stampedMs).toBeGreaterThanOrEqual(before - 1000);
      expect(stampedMs).toBeLessThanOrEqual(after + 1000);
    });

    it('refuses a room id outside the protocol pattern in the schema itself', async () => {
      for (const bad of ['has space', '', 'x'.repeat(65), "quote'"]) {
        await expect(pool.query('INSERT INTO rooms (id) VALUES ($1)', [bad])).rejects.toMatchObject(
          { code: '23514', constraint: 'rooms_id_check' },
        );
      }
      const room = uid();
      await store.joinRoom(room, 'alice');
      await expect(
        pool.query('UPDATE rooms SET id = $2 WHERE id = $1', [room, 'bad id']),
      ).rejects.toMatchObject({ code: '23514' });
    });
  });
}

postgresSpecifics('PostgreSQL (DATABASE_URL)', async () => {
  const pool = testPool();
  return [pool, () => pool.end()];
});
postgresSpecifics('embedded PostgreSQL (dev)', async () => [await embeddedPool(), async () => {}]);
