/**
 * The refusals migration 5's append_message raises with Parley's own SQLSTATEs, as the
 * adapter hands them to the core: `PA429` (slow mode, DETAIL the wait in ms) is
 * `rate_limited` with `retryAfterMs`; `PA403` (muted, banned, not a member) is `forbidden`.
 * The test sets the columns governance would set, directly in SQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../../../functions/core/errors.js';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { testPool, uid } from '../../../support/services.js';

const pool = testPool();
const store = new PostgresMessageStore(pool);
afterAll(() => pool.end());

const send = (roomId: string, userId: string, clientMsgId?: string) =>
  store.appendMessage({ roomId, userId, content: 'hi', ...(clientMsgId ? { clientMsgId } : {}) });

async function refusal(attempt: Promise<unknown>): Promise<ChatError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ChatError)) throw new Error(`expected a ChatError, got ${String(error)}`);
  return error;
}

describe('append_message refusals', () => {
  it('answers slow mode rate_limited, with the wait the database computed', async () => {
    const room = uid('slow');
    // The first joiner creates the room and owns it; slow mode spares owners and admins.
    await store.joinRoom(room, 'owner');
    await store.joinRoom(room, 'member');
    await pool.query('UPDATE rooms SET slow_mode_sec = 60 WHERE id = $1', [room]);
    await send(room, 'member');
    const error = await refusal(send(room, 'member'));
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/slow mode/i);
    // A minute's wait, less the moments since the first send: well over 50 s, at most 60.
    expect(error.retryAfterMs).toBeGreaterThan(50_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(error.toJSON()).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: error.retryAfterMs,
    });
    expect((await store.latest(room, 10)).lastSeq).toBe(1);
  });

  it('still answers a retried send in slow mode with its first copy', async () => {
    const room = uid('slow');
    await store.joinRoom(room, 'owner');
    await store.joinRoom(room, 'member');
    await pool.query('UPDATE rooms SET slow_mode_sec = 60 WHERE id = $1', [room]);
    const first = await send(room, 'member', 'c1');
    const again = await send(room, 'member', 'c1');
    expect(again).toEqual({ message: first.message, duplicate: true });
  });

  it('answers a muted member forbidden, with the reason', async () => {
    const room = uid('mute');
    await store.joinRoom(room, 'owner');
    await store.joinRoom(room, 'member');
    await pool.query(
      'UPDATE room_members SET muted_at = now() WHERE room_id = $1 AND user_id = $2',
      [room, 'member'],
    );
    const error = await refusal(send(room, 'member'));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/muted/);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('answers a user who is not a member forbidden', async () => {
    const room = uid('nm');
    await store.joinRoom(room, 'owner');
    const error = await refusal(send(room, 'stranger'));
    expect(error).toMatchObject({ code: 'forbidden' });
    expect(error.message).toMatch(/not a member/);
  });
});
