/**
 * A protocol-speaking WebSocket client for end-to-end tests: requests are awaited by
 * `requestId`, pushed frames by predicate. Nothing here sleeps.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Message } from '../../functions/core/message.js';

export type Frame = Record<string, unknown> & { type: string };

interface Waiter {
  match: (frame: Frame) => boolean;
  resolve: (frame: Frame) => void;
}

export class ChatClient {
  readonly frames: Frame[] = [];
  private waiters: Waiter[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      const ready = this.waiters.filter((w) => w.match(frame));
      this.waiters = this.waiters.filter((w) => !w.match(frame));
      for (const w of ready) w.resolve(frame);
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** Opens a connection; rejects with the HTTP status when the handshake is refused. */
  static connect(url: string, token?: string): Promise<ChatClient> {
    const target = token === undefined ? url : `${url}/?token=${encodeURIComponent(token)}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(target);
      socket.once('open', () => resolve(new ChatClient(socket)));
      socket.once('unexpected-response', (_req, res) =>
        reject(
          Object.assign(new Error(`handshake refused: ${res.statusCode}`), {
            status: res.statusCode,
          }),
        ),
      );
      socket.once('error', reject);
    });
  }

  /** The first frame (already received or still to come) matching `match`. */
  next(match: (frame: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Sends a frame with a fresh requestId and resolves with the reply that echoes it. */
  request(frame: Record<string, unknown>): Promise<Frame> {
    const requestId = randomUUID();
    this.socket.send(JSON.stringify({ ...frame, requestId }));
    return this.next((f) => f.requestId === requestId);
  }

  /** Sends raw text (or bytes) and resolves with the next error frame after it. */
  sendRaw(data: string | Buffer, options?: { binary?: boolean }): void {
    this.socket.send(data, { binary: options?.binary ?? false });
  }

  join(roomId: string, extra: Record<string, unknown> = {}) {
    return this.request({ action: 'join_room', roomId, ...extra });
  }

  /**
   * Joins, asking again (a few times) while the answer is `unavailable`, as the SDK does:
   * on a loaded machine a store can miss its deadline, which a test of something else
   * should ride out. Any other answer is returned as it is.
   */
  async joinWhenAvailable(roomId: string): Promise<Frame> {
    for (let attempt = 1; ; attempt++) {
      const reply = await this.join(roomId);
      if (reply.type !== 'error' || reply.code !== 'unavailable' || attempt === 5) return reply;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }

  async send(roomId: string, content: string, clientMsgId?: string): Promise<Message> {
    const reply = await this.request({ action: 'send_message', roomId, content, clientMsgId });
    if (reply.type !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(reply)}`);
    return reply.message as Message;
  }

  /** The new_message frames received so far for a room, in arrival order. */
  received(roomId: string): Message[] {
    return this.frames
      .filter((f) => f.type === 'new_message' && (f.message as Message).roomId === roomId)
      .map((f) => f.message as Message);
  }

  nextMessage(roomId: string, content: string): Promise<Frame> {
    return this.next(
      (f) =>
        f.type === 'new_message' &&
        (f.message as Message).roomId === roomId &&
        (f.message as Message).content === content,
    );
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}
