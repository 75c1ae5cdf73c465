/**
 * One user of the fault suite's load: a WebSocket that joins one room and sends to it, one
 * request in flight, as the SDK behaves: a send with no reply within the reply timeout (or
 * cut off by a dropped connection) is sent again with the same `clientMsgId` once the
 * connection is back, so a retried send stores once. It records what it sent and how each
 * send ended, and every `new_message` it received, for the fault report to check.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

type Frame = Record<string, unknown> & { type?: unknown };

/** How one send ended: its last reply, or none at all. */
export type SendOutcome =
  | { kind: 'acked'; seq: number; id: string; at: number }
  | { kind: 'unavailable'; at: number }
  | { kind: 'error'; code: string; at: number }
  | { kind: 'unanswered' };

export interface SendRecord {
  clientMsgId: string;
  /** When it was first sent. */
  firstSentAt: number;
  /** When the attempt that was answered (or the last one) was sent. */
  lastSentAt: number;
  attempts: number;
  outcome: SendOutcome;
}

/** A span of time the client was in its room, from the join's reply to the connection's end. */
export interface JoinedSpan {
  from: number;
  /** Infinity while still joined. */
  to: number;
}

export interface LoadClientOptions {
  url: string;
  token: string;
  roomId: string;
  userId: string;
  sendIntervalMs: number;
  replyTimeoutMs: number;
  /** Bytes of filler in each message (default a few). */
  contentBytes?: number;
}

const RECONNECT_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class LoadClient {
  readonly sends: SendRecord[] = [];
  /** seq => how many `new_message` frames carried it. */
  readonly received = new Map<number, number>();
  readonly spans: JoinedSpan[] = [];
  /** Joins refused, by error code (a join is tried again until it succeeds). */
  readonly joinRefusals: Record<string, number> = {};
  reconnects = 0;
  /** Frames that were not JSON objects: a server must never send one. */
  garbled = 0;
  private socket: WebSocket | undefined;
  private joined = false;
  private stopping = false;
  private waiting: { requestId: string; resolve: (frame: Frame | 'closed') => void } | undefined;
  private loop: Promise<void> | undefined;
  private drainDeadline = Number.POSITIVE_INFINITY;
  private readonly filler: string;

  constructor(private readonly options: LoadClientOptions) {
    this.filler = 'x'.repeat(options.contentBytes ?? 16);
  }

  start(): void {
    this.loop = this.run();
  }

  /**
   * Stops starting new sends; the one in flight is still retried until answered or until
   * `deadline` (epoch ms). Resolves once the client is idle; the socket stays open for
   * late deliveries until `close`.
   */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.drainDeadline = deadline;
    await this.loop;
  }

  /** In its room now: joined, and the connection that joined still open. */
  get inRoom(): boolean {
    return this.joined;
  }

  close(): void {
    this.socket?.terminate();
  }

  private async run(): Promise<void> {
    let pending: SendRecord | undefined;
    for (;;) {
      if (this.stopping && (pending === undefined || Date.now() > this.drainDeadline)) break;
      if (!this.socket) {
        if (!(await this.connect())) {
          await sleep(RECONNECT_MS);
          continue;
        }
      }
      if (!this.joined) {
        const reply = await this.request({ action: 'join_room', roomId: this.options.roomId });
        if (reply !== 'closed' && reply !== 'timeout' && reply.type === 'room_history') {
          this.joined = true;
          this.spans.push({ from: Date.now(), to: Number.POSITIVE_INFINITY });
        } else {
          if (reply !== 'closed' && reply !== 'timeout') {
            const code = String(reply.code ?? reply.type);
            this.joinRefusals[code] = (this.joinRefusals[code] ?? 0) + 1;
          }
          await sleep(RECONNECT_MS);
        }
        continue;
      }
      if (!pending) {
        if (this.stopping) break;
        pending = {
          clientMsgId: randomUUID(),
          firstSentAt: Date.now(),
          lastSentAt: 0,
          attempts: 0,
          outcome: { kind: 'unanswered' },
        };
        this.sends.push(pending);
      }
      pending.attempts++;
      pending.lastSentAt = Date.now();
      const reply = await this.request({
        action: 'send_message',
        roomId: this.options.roomId,
        content: `${this.options.userId} ${pending.clientMsgId} ${this.filler}`,
        clientMsgId: pending.clientMsgId,
      });
      if (reply === 'timeout') continue; // sent again, same id
      if (reply === 'closed') {
        // Sent again, same id, once the close has been seen: a socket that is closing fails
        // a send within the same tick, and retrying at once would keep the event loop from
        // ever delivering its close event.
        await sleep(RECONNECT_MS);
        continue;
      }
      const at = Date.now();
      if (reply.type === 'ack') {
        const message = reply.message as { seq: number; id: string };
        pending.outcome = { kind: 'acked', seq: message.seq, id: message.id, at };
      } else if (reply.type === 'error' && reply.code === 'unavailable') {
        pending.outcome = { kind: 'unavailable', at };
      } else {
        pending.outcome = { kind: 'error', code: String(reply.code ?? reply.type), at };
        // Dropped from the room (a 410 for a live connection): join again.
        if (reply.code === 'forbidden') this.leftRoom();
      }
      pending = undefined;
      await sleep(this.options.sendIntervalMs);
    }
  }

  private leftRoom(): void {
    if (!this.joined) return;
    this.joined = false;
    const span = this.spans.at(-1);
    if (span) span.to = Date.now();
  }

  private connect(): Promise<boolean> {
    const target = `${this.options.url}/?token=${encodeURIComponent(this.options.token)}`;
    return new Promise((resolve) => {
      const socket = new WebSocket(target);
      socket.once('open', () => {
        this.socket = socket;
        resolve(true);
      });
      socket.once('error', () => resolve(false));
      socket.on('message', (data) => this.onFrame(data.toString()));
      socket.once('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.leftRoom();
        if (!this.stopping || this.waiting) this.reconnects++;
        this.waiting?.resolve('closed');
      });
    });
  }

  private onFrame(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      this.garbled++;
      return;
    }
    if (frame === null || typeof frame !== 'object') {
      this.garbled++;
      return;
    }
    if (frame.type === 'new_message') {
      const message = frame.message as { roomId: string; seq: number };
      if (message.roomId === this.options.roomId) {
        this.received.set(message.seq, (this.received.get(message.seq) ?? 0) + 1);
      }
      return;
    }
    if (this.waiting && frame.requestId === this.waiting.requestId) this.waiting.resolve(frame);
  }

  private request(frame: Record<string, unknown>): Promise<Frame | 'closed' | 'timeout'> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve('closed');
    const requestId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('timeout'), this.options.replyTimeoutMs);
      const finish = (result: Frame | 'closed' | 'timeout') => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(result);
      };
      this.waiting = { requestId, resolve: finish };
      socket.send(JSON.stringify({ ...frame, requestId }), (error) => {
        if (error) finish('closed');
      });
    });
  }
}
