/**
 * The circuit breaker around store adapters: a store that keeps answering `unavailable`
 * is skipped (calls fail at once, without reaching it) until a probe after the cool-down
 * finds it back. A fake clock; fake stores that count their calls.
 */
import { describe, expect, it } from 'vitest';
import { sendMessage } from '../../../functions/core/actions/send-message.js';
import { ChatError, StoreUnavailableError } from '../../../functions/core/errors.js';
import type { RoomCache } from '../../../functions/core/ports.js';
import {
  CircuitBreaker,
  type CircuitState,
  withCircuitBreaker,
} from '../../../functions/stores/circuit-breaker.js';
import { fakeWorld } from '../../support/fakes.js';

const COOL_DOWN = 1_000;

function breaker(failuresToOpen = 3) {
  const clock = { now: 0 };
  const changes: CircuitState[] = [];
  const circuit = new CircuitBreaker({
    store: 'Redis',
    failuresToOpen,
    coolDownMs: COOL_DOWN,
    now: () => clock.now,
    onStateChange: (state) => changes.push(state),
  });
  return { circuit, clock, changes };
}

/** A store call that counts how often it is reached and answers as told. */
function storeCall() {
  const call = {
    reached: 0,
    answer: 'down' as 'down' | 'up' | 'forbidden',
    run: async () => {
      call.reached++;
      if (call.answer === 'down') throw new StoreUnavailableError('Redis');
      if (call.answer === 'forbidden') throw new ChatError('forbidden', 'no');
      return 'ok';
    },
  };
  return call;
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    (value) => value,
    (error: unknown) => error,
  );

describe('CircuitBreaker', () => {
  it('opens after N unavailable answers in a row, then fails fast without the store', async () => {
    const { circuit, changes } = breaker(3);
    const call = storeCall();
    for (let i = 0; i < 3; i++) await outcome(circuit.run(call.run));
    expect(changes).toEqual(['open']);
    const refused = await outcome(circuit.run(call.run));
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as StoreUnavailableError).code).toBe('unavailable');
    expect(call.reached).toBe(3);
  });

  it('counts only a run of unavailable answers: a result or another error resets it', async () => {
    const { circuit } = breaker(3);
    const call = storeCall();
    for (const answer of ['down', 'down', 'up', 'down', 'down', 'forbidden', 'down', 'down']) {
      call.answer = answer as typeof call.answer;
      await outcome(circuit.run(call.run));
    }
    expect(circuit.current).toBe('closed');
    expect(call.reached).toBe(8);
  });

  it('passes results and other errors through unchanged', async () => {
    const { circuit } = breaker();
    const call = storeCall();
    call.answer = 'up';
    expect(await circuit.run(call.run)).toBe('ok');
    call.answer = 'forbidden';
    expect(await outcome(circuit.run(call.run))).toMatchObject({ code: 'forbidden' });
  });

  it('after the cool-down lets one probe through; its success closes the circuit', async () => {
    const { circuit, clock, changes } = breaker(1);
    const call = storeCall();
    await outcome(circuit.run(call.run));
    clock.now = COOL_DOWN - 1;
    await outcome(circuit.run(call.run));
    expect(call.reached).toBe(1);

    clock.now = COOL_DOWN;
    call.answer = 'up';
    let release = () => {};
    const slow = () => new Promise<string>((resolve) => (release = () => resolve('ok')));
    const probe = circuit.run(async () => {
      call.reached++;
      return slow();
    });
    // While the probe is out, others still fail fast.
    expect(await outcome(circuit.run(call.run))).toBeInstanceOf(StoreUnavailableError);
    release();
    expect(await probe).toBe('ok');
    expect(await circuit.run(call.run)).toBe('ok');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens again for a whole cool-down when the probe fails', async () => {
    const { circuit, clock, changes } = breaker(1);
    const call = storeCall();
    await outcome(circuit.run(call.run));
    clock.now = COOL_DOWN;
    await outcome(circuit.run(call.run));
    expect(call.reached).toBe(2);
    clock.now = 2 * COOL_DOWN - 1;
    await outcome(circuit.run(call.run));
    expect(call.reached).toBe(2);
    expect(changes).toEqual(['open', 'half-open', 'open']);
  });
});

/** A cache whose every method answers `unavailable`, counting the calls that reach it. */
function downCache(cache: RoomCache) {
  const down = { calls: 0, cache };
  down.cache = new Proxy(cache, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return async () => {
        down.calls++;
        throw new StoreUnavailableError('Redis');
      };
    },
  });
  return down;
}

describe('withCircuitBreaker', () => {
  it('runs every method of a port through the breaker, keeping `this`', async () => {
    const { circuit } = breaker(2);
    const world = fakeWorld();
    const down = downCache(world.cache);
    const cache: RoomCache = withCircuitBreaker(down.cache, circuit);
    await outcome(cache.roomConnections('r'));
    await outcome(cache.isInRoom('r', 'c'));
    expect(await outcome(cache.recentMessages('r'))).toBeInstanceOf(StoreUnavailableError);
    expect(down.calls).toBe(2);

    const up = withCircuitBreaker(world.cache, breaker().circuit);
    await up.fillRecentMessages('r', { floor: 1, messages: [] });
    expect(await up.isInRoom('r', 'c')).toBeUndefined();
  });

  it('with the cache skipped, a send falls back to the durable store at once and is acked', async () => {
    const world = fakeWorld();
    const alice = { connectionId: 'c-alice', userId: 'alice' };
    await world.messages.joinRoom('lobby', 'alice');
    await world.connections.addToRoom('lobby', alice);
    const down = downCache(world.cache);
    const deps = { ...world.deps, cache: withCircuitBreaker(down.cache, breaker(2).circuit) };
    const replies: unknown[] = [];
    for (const content of ['one', 'two', 'three', 'four']) {
      await sendMessage(deps, alice, { roomId: 'lobby', content }, async (frame) => {
        replies.push(frame);
      });
    }
    expect(replies).toHaveLength(4);
    expect(replies.every((r) => (r as { type: string }).type === 'ack')).toBe(true);
    // The first send's failures open the circuit; later sends never wait on the cache.
    expect(down.calls).toBe(2);
  });
});
