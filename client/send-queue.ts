/**
 * Sends not yet acked. Each keeps its `clientMsgId` for its whole life, so a send cut off
 * by a dropped connection is repeated with the same id and the server stores it once
 * (protocol.md, idempotency). Only sends waiting for a connection count against the bound:
 * a send on the wire is already the server's to answer.
 */
import { ParleyError } from './errors.js';

export interface OutgoingSend {
  readonly roomId: string;
  readonly content: string;
  readonly clientMsgId: string;
  /** Sent on the current connection and waiting for its ack. */
  onWire: boolean;
}

export class SendQueue {
  private readonly sends = new Set<OutgoingSend>();

  constructor(readonly limit: number) {}

  /** Sends waiting for a connection (or for their room's rejoin). */
  get waiting(): number {
    let count = 0;
    for (const send of this.sends) if (!send.onWire) count += 1;
    return count;
  }

  get size(): number {
    return this.sends.size;
  }

  /** Takes a new send; while offline, throws `queue_full` once `limit` sends are waiting. */
  add(send: OutgoingSend, online: boolean): void {
    if (!online && this.waiting >= this.limit) {
      throw new ParleyError(
        'queue_full',
        `${this.limit} sends are already waiting for a connection (maxQueuedSends)`,
      );
    }
    this.sends.add(send);
  }

  /** The connection dropped: every send on it waits for the next one again. */
  requeueAll(): void {
    for (const send of this.sends) send.onWire = false;
  }

  /** Whether a send of this client carries `clientMsgId` (an ack of it is ours). */
  holds(clientMsgId: string): boolean {
    for (const send of this.sends) if (send.clientMsgId === clientMsgId) return true;
    return false;
  }

  delete(send: OutgoingSend): void {
    this.sends.delete(send);
  }
}
