/** Requests waiting for the reply that echoes their `requestId`, each with its own timeout. */
import { errorFromFrame, ParleyError } from './errors.js';
import type { ServerFrame } from './types.js';

interface Pending {
  resolve(frame: ServerFrame): void;
  reject(error: ParleyError): void;
  timer: ReturnType<typeof setTimeout>;
  /** The request frame's size in bytes, to tell which one a 1009 close was about. */
  bytes: number;
  /** The connection it went out on: during a rollover two are open (client.ts). */
  owner: object | undefined;
}

export class PendingRequests {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;
  // A per-client prefix keeps ids from two clients apart in server logs.
  private readonly prefix = Math.random().toString(36).slice(2, 8);

  nextId(): string {
    this.counter += 1;
    return `${this.prefix}-${this.counter}`;
  }

  /** Resolves with the reply, rejects with its `error` frame or `timeout` after `timeoutMs`. */
  wait(requestId: string, timeoutMs: number, bytes: number, owner?: object): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new ParleyError('timeout', `No reply within ${timeoutMs} ms`, requestId));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer, bytes, owner });
    });
  }

  /** Settles the request a reply belongs to; false when none waits for it (late or foreign). */
  settle(frame: ServerFrame & { requestId?: string }): boolean {
    const requestId = frame.requestId;
    if (requestId === undefined) return false;
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    if (frame.type === 'error') entry.reject(errorFromFrame(frame));
    else entry.resolve(frame);
    return true;
  }

  /**
   * Fails the waiting request with the largest frame: after a 1009 close (message too big)
   * that is the one the server closed on, since every frame under the limit passes.
   */
  rejectLargest(error: (requestId: string) => ParleyError): void {
    let largest: [string, Pending] | undefined;
    for (const entry of this.pending) {
      if (!largest || entry[1].bytes > largest[1].bytes) largest = entry;
    }
    if (!largest) return;
    const [requestId, entry] = largest;
    this.pending.delete(requestId);
    clearTimeout(entry.timer);
    entry.reject(error(requestId));
  }

  /** Every waiting request fails with `error` (a dropped connection, close()). */
  rejectAll(error: (requestId: string) => ParleyError): void {
    const entries = [...this.pending];
    this.pending.clear();
    for (const [requestId, entry] of entries) {
      clearTimeout(entry.timer);
      entry.reject(error(requestId));
    }
  }

  /** Requests that went out on `owner` and still wait for their reply. */
  owned(owner: object): number {
    let count = 0;
    for (const entry of this.pending.values()) if (entry.owner === owner) count += 1;
    return count;
  }

  /** The requests that went out on `owner` fail with `error` (that connection is gone). */
  rejectOwned(owner: object, error: (requestId: string) => ParleyError): void {
    for (const [requestId, entry] of [...this.pending]) {
      if (entry.owner !== owner) continue;
      this.pending.delete(requestId);
      clearTimeout(entry.timer);
      entry.reject(error(requestId));
    }
  }

  get size(): number {
    return this.pending.size;
  }
}
