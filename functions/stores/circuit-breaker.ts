/**
 * A circuit breaker around a store adapter. A store that keeps answering `unavailable`
 * (every call meeting its timeout: Redis hung, PostgreSQL frozen) is skipped for a short
 * while: calls fail at once with `StoreUnavailableError`, so the core's fallbacks (the
 * durable stores for cache reads) or its `unavailable` answer come without the wait. After
 * the cool-down one call goes through as a probe; its answer closes the circuit or opens it
 * again. Only `StoreUnavailableError` counts as a failure: any other answer (a result, a
 * `forbidden`, a bug) means the store is there.
 *
 * Why a small class and not a library (opossum counts error percentages over a rolling
 * window, adds a timeout of its own and would be one more dependency in every bundle):
 * docs/decisions/2026-12-06-circuit-breaker.md, with the figures.
 */
import { StoreUnavailableError } from '../core/errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Names the store in errors and logs. */
  store: string;
  /** Consecutive `unavailable` answers that open the circuit. */
  failuresToOpen?: number;
  /** How long an open circuit refuses calls before it lets one through as a probe. */
  coolDownMs?: number;
  /** Told of every change of state (logged by the runtime). */
  onStateChange?: (state: CircuitState, store: string) => void;
  /** The clock (tests). */
  now?: () => number;
}

/** Three timeouts in a row is an outage, not a blip (a send makes at most two cache calls). */
export const CIRCUIT_FAILURES_TO_OPEN = 3;
/** One probe per cool-down: an outage costs a container one timeout per two seconds. */
export const CIRCUIT_COOL_DOWN_MS = 2_000;

/** Why a call was refused without reaching the store. */
export class CircuitOpenError extends Error {
  override readonly name = 'CircuitOpenError';
}

export class CircuitBreaker {
  private state: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly store: string;
  private readonly failuresToOpen: number;
  private readonly coolDownMs: number;
  private readonly now: () => number;
  private readonly onStateChange: ((state: CircuitState, store: string) => void) | undefined;

  constructor(options: CircuitBreakerOptions) {
    this.store = options.store;
    this.failuresToOpen = options.failuresToOpen ?? CIRCUIT_FAILURES_TO_OPEN;
    this.coolDownMs = options.coolDownMs ?? CIRCUIT_COOL_DOWN_MS;
    this.now = options.now ?? Date.now;
    this.onStateChange = options.onStateChange;
  }

  get current(): CircuitState {
    return this.state;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const probe = this.admit();
    try {
      const result = await call();
      this.succeeded();
      return result;
    } catch (error) {
      if (error instanceof StoreUnavailableError) this.failed(probe);
      else this.succeeded();
      throw error;
    } finally {
      if (probe) this.probing = false;
    }
  }

  /** Lets a call through, saying whether it is the half-open probe, or refuses it. */
  private admit(): boolean {
    if (this.state === 'closed') return false;
    if (this.state === 'open' && this.now() - this.openedAt >= this.coolDownMs) {
      this.change('half-open');
    }
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    throw new StoreUnavailableError(this.store, {
      cause: new CircuitOpenError(`${this.store} failed ${this.failuresToOpen} times in a row`),
    });
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.state !== 'closed') this.change('closed');
  }

  private failed(probe: boolean): void {
    this.failures++;
    // A call admitted while closed that fails after the circuit opened changes nothing.
    if (probe || (this.state === 'closed' && this.failures >= this.failuresToOpen)) {
      this.openedAt = this.now();
      this.change('open');
    }
  }

  private change(state: CircuitState): void {
    if (this.state === state) return;
    this.state = state;
    this.onStateChange?.(state, this.store);
  }
}

/**
 * `target` with every method call run through `breaker`. Generic over the port, so a
 * changed port needs no change here. All the ports' methods return promises.
 */
export function withCircuitBreaker<T extends object>(target: T, breaker: CircuitBreaker): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      let method = wrapped.get(property);
      if (!method) {
        method = (...args: unknown[]) =>
          breaker.run(async () => (value as (...a: unknown[]) => unknown).apply(object, args));
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
