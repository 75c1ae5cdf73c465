/**
 * One client sending on a fixed schedule, from this thread (the flood scenario's extra
 * member, at its limit or far past it): message k at t0 + k / rate whatever the replies are
 * doing (an open loop, as the load generator's), so a refusal never slows it down. Counts the replies by outcome and how late its own
 * schedule fired (this thread's lateness, beside the worker threads' loop delay).
 */
import type { ChatConnection, SendOutcome } from './drivers.js';
import { sleep } from './load.js';

export interface FloodResult {
  sent: number;
  accepted: number;
  /** Refusals by error code (`rate_limited` expected), and `timeout` for no reply. */
  refused: Record<string, number>;
  /** How late the schedule fired at worst, ms. */
  maxLagMs: number;
  seconds: number;
}

export interface Flood {
  /** Stops sending and resolves once every reply is in (or gave up). */
  stop(): Promise<FloodResult>;
}

export function startFlood(
  connection: ChatConnection,
  plan: { roomId: string; rate: number; tag: string },
): Flood {
  const interval = 1000 / plan.rate;
  const t0 = performance.now();
  const replies: Promise<SendOutcome>[] = [];
  let maxLagMs = 0;
  let running = true;
  const loop = (async () => {
    for (let k = 0; running; k++) {
      const due = t0 + k * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (!running) break;
      maxLagMs = Math.max(maxLagMs, performance.now() - due);
      replies.push(connection.send(plan.roomId, `flood ${k}`, `${plan.tag}.f${k}`));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const seconds = (performance.now() - t0) / 1000;
      const outcomes = await Promise.all(replies);
      const refused: Record<string, number> = {};
      let accepted = 0;
      for (const outcome of outcomes) {
        if (outcome.ok) accepted += 1;
        else refused[outcome.code ?? 'timeout'] = (refused[outcome.code ?? 'timeout'] ?? 0) + 1;
      }
      return { sent: outcomes.length, accepted, refused, maxLagMs, seconds };
    },
  };
}
