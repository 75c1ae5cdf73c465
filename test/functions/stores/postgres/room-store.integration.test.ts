/**
 * The RoomStore contract on PostgreSQL (the run's DATABASE_URL, bare and behind the circuit
 * breaker the runtime wraps it in), then what only PostgreSQL shows: the audit rows and the
 * lock that keeps a room's last owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CircuitBreaker,
  withCircuitBreaker,
} from '../../../../functions/stores/circuit-breaker.js';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../../../functions/stores/postgres/room-store.js';
import { testPool, uid } from '../../../support/services.js';
import { roomStoreContract } from '../../core/ports/room-store.contract.js';

roomStoreContract('PostgreSQL (DATABASE_URL)', async () => {
  const pool = testPool();
  return [
    { rooms: new PostgresRoomStore(pool), messages: new PostgresMessageStore(pool) },
    () => pool.end(),
  ];
});

roomStoreContract('PostgreSQL behind the circuit breaker', async () => {
  const pool = testPool();
  const breaker = new CircuitBreaker({ store: 'PostgreSQL' });
  return [
    {
      rooms: withCircuitBreaker(new PostgresRoomStore(pool), breaker),
      messages: withCircuitBreaker(new PostgresMessageStore(pool), breaker),
    },
    () => pool.end(),
  ];
});

describe('PostgresRoomStore', () => {
  const pool = testPool();
  const rooms = new PostgresRoomStore(pool);
  afterAll(() => pool.end());
  let roomId: string;
  beforeAll(async () => {
    roomId = uid();
    await rooms.createRoom({ roomId, visibility: 'public', encrypted: false, createdBy: 'olga' });
  });

  it('records every administrative action, and nothing for one that changed nothing', async () => {
    await rooms.changeMember({ action: 'add', roomId, actorId: 'olga', userId: 'mia' });
    await rooms.changeMember({ action: 'add', roomId, actorId: 'olga', userId: 'mia' });
    await rooms.changeMember({
      action: 'ban',
      roomId,
      actorId: 'olga',
      userId: 'mia',
      reason: 'spam',
    });
    await rooms.updateRoom(roomId, 'olga', { slowModeSec: 5 });
    const { rows } = await pool.query(
      'SELECT actor_id, action, target_id, detail FROM audit_log WHERE room_id = $1 ORDER BY id',
      [roomId],
    );
    expect(rows).toEqual([
      {
        actor_id: 'olga',
        action: 'create_room',
        target_id: null,
        detail: { visibility: 'public', encrypted: false },
      },
      { actor_id: 'olga', action: 'add', target_id: 'mia', detail: {} },
      { actor_id: 'olga', action: 'ban', target_id: 'mia', detail: { reason: 'spam' } },
      { actor_id: 'olga', action: 'update_room', target_id: null, detail: { slowModeSec: 5 } },
    ]);
  });

  it('lets only one of two owners stepping down at once succeed', async () => {
    const id = uid();
    await rooms.createRoom({ roomId: id, visibility: 'public', encrypted: false, createdBy: 'a' });
    await rooms.changeMember({ action: 'add', roomId: id, actorId: 'a', userId: 'b' });
    await rooms.changeMember({
      action: 'set_role',
      roomId: id,
      actorId: 'a',
      userId: 'b',
      role: 'owner',
    });
    const results = await Promise.allSettled([
      rooms.changeMember({ action: 'remove', roomId: id, actorId: 'a', userId: 'a' }),
      rooms.changeMember({ action: 'remove', roomId: id, actorId: 'b', userId: 'b' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS owners FROM room_members WHERE room_id = $1 AND role = 'owner'",
      [id],
    );
    expect(rows[0].owners).toBe(1);
  });

  it('refuses bad settings in the schema too, not only in the frames', async () => {
    await expect(
      pool.query('UPDATE rooms SET slow_mode_sec = -1 WHERE id = $1', [roomId]),
    ).rejects.toThrow(/slow_mode_sec/);
    await expect(pool.query("UPDATE rooms SET kind = 'x' WHERE id = $1", [roomId])).rejects.toThrow(
      /kind/,
    );
  });
});
