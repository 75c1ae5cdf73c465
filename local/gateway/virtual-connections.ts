/**
 * Virtual connections: connections without a socket, for measuring fan-out to rooms of
 * 50,000 or 100,000 members in one process. Each opens through the same authorizer and
 * $connect as a WebSocket, sends frames through route selection and the handlers, and
 * receives every post under the same rules (latency, quota, timeouts, 128 KB); instead of
 * writing to a socket it counts what it receives. Watchers report which connections got
 * a frame containing a marker, how many such frames arrived (duplicates show) and when.
 *
 * They hold no timer each (no idle or maximum-duration close), and batches are worked
 * through a bounded pool, so 100,000 of them cost memory, not event-loop time.
 */
import type { Connection } from './connection-registry.js';

/** What a virtual connection keeps instead of a socket. */
export interface VirtualInbox {
  /** Frames posted to it. */
  received: number;
  /** Ends the connection's lifecycle (the gateway's `close()` waits for it). */
  readonly done: () => void;
}

/** The gateway's side: the handshake, frames and close of one virtual connection. */
export interface VirtualHost {
  /** Runs the authorizer (with `token`) and $connect: the id, or the refusal's status. */
  open(token: string | undefined): Promise<{ connectionId: string } | { status: number }>;
  /** Dispatches a frame from it; resolves when that invocation has ended. False: not open. */
  send(connectionId: string, frame: string): Promise<boolean>;
  /** Closes it as a client would (1000); resolves when $disconnect has run. False: not open. */
  close(connectionId: string): Promise<boolean>;
  inbox(connectionId: string): VirtualInbox | undefined;
}

export interface OpenOptions {
  /** The authorizer's `?token=` for every connection. */
  token?: string;
  /** One token per connection (then `count` may be omitted). */
  tokens?: readonly string[];
  /** Handshakes in flight at once. Default 64. */
  concurrency?: number;
}

export interface OpenResult {
  /** The connections opened, in the order their handshakes completed. */
  connectionIds: string[];
  /** Refused handshakes, counted by HTTP status. */
  refused: Record<number, number>;
}

export interface BatchOptions {
  /** Invocations in flight at once. Default 64. */
  concurrency?: number;
}

export interface WatchResult {
  marker: string;
  /** Virtual connections that received at least one matching frame. */
  connections: number;
  /** Matching frames received in all: above `connections` when some came twice. */
  frames: number;
  /** Epoch milliseconds of the first and the last matching frame. */
  firstAt: number | undefined;
  lastAt: number | undefined;
}

const DEFAULT_CONCURRENCY = 64;

/** Counts frames containing `marker` as they reach virtual connections. */
export class FrameWatcher {
  private readonly reached = new Set<string>();
  private frames = 0;
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private waiters: { connections: number; resolve: () => void }[] = [];
  private readonly needle: Buffer;

  constructor(
    readonly marker: string,
    private readonly onStop: (watcher: FrameWatcher) => void,
  ) {
    this.needle = Buffer.from(marker);
  }

  /** @internal The gateway offers every frame a virtual connection receives. */
  offer(connectionId: string, data: string | Buffer, now: number): void {
    if (!(typeof data === 'string' ? data.includes(this.marker) : data.includes(this.needle))) {
      return;
    }
    this.frames++;
    this.firstAt ??= now;
    this.lastAt = now;
    this.reached.add(connectionId);
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => this.reached.size >= w.connections);
    this.waiters = this.waiters.filter((w) => this.reached.size < w.connections);
    for (const waiter of ready) waiter.resolve();
  }

  /** Whether `connectionId` has received a matching frame. */
  has(connectionId: string): boolean {
    return this.reached.has(connectionId);
  }

  snapshot(): WatchResult {
    return {
      marker: this.marker,
      connections: this.reached.size,
      frames: this.frames,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
    };
  }

  /**
   * Resolves once `connections` connections have received a matching frame, or after
   * `timeoutMs` (if given), with the counts at that moment either way.
   */
  until(connections: number, timeoutMs?: number): Promise<WatchResult> {
    if (this.reached.size >= connections) return Promise.resolve(this.snapshot());
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        connections,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.snapshot());
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(this.snapshot());
        }, timeoutMs);
      }
    });
  }

  /** Stops counting; pending `until` calls resolve with the counts so far. */
  stop(): void {
    this.onStop(this);
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }
}

export class VirtualConnections {
  private readonly watchers = new Set<FrameWatcher>();

  constructor(private readonly host: VirtualHost) {}

  /** Opens `count` connections through the authorizer and $connect, a pool at a time. */
  async open(count: number | undefined, options: OpenOptions = {}): Promise<OpenResult> {
    const { token, tokens } = options;
    const total = count ?? tokens?.length ?? 0;
    const result: OpenResult = { connectionIds: [], refused: {} };
    await pooled(total, options.concurrency, async (i) => {
      const outcome = await this.host.open(tokens?.[i] ?? token);
      if ('connectionId' in outcome) result.connectionIds.push(outcome.connectionId);
      else result.refused[outcome.status] = (result.refused[outcome.status] ?? 0) + 1;
    });
    return result;
  }

  /**
   * Sends `frame` from a virtual connection as its client would; resolves once its
   * invocation has ended. Rejects when the connection is not open.
   */
  async send(connectionId: string, frame: string): Promise<void> {
    if (!(await this.host.send(connectionId, frame))) throw notOpen(connectionId);
  }

  /** Sends `frame` from each connection, a pool of invocations at a time. */
  async sendMany(
    connectionIds: readonly string[],
    frame: string,
    options: BatchOptions = {},
  ): Promise<{ sent: number; notOpen: number }> {
    let sent = 0;
    await pooled(connectionIds.length, options.concurrency, async (i) => {
      if (await this.host.send(connectionIds[i] as string, frame)) sent++;
    });
    return { sent, notOpen: connectionIds.length - sent };
  }

  /** Closes it as its client would; resolves once $disconnect has run. */
  async close(connectionId: string): Promise<void> {
    if (!(await this.host.close(connectionId))) throw notOpen(connectionId);
  }

  async closeMany(
    connectionIds: readonly string[],
    options: BatchOptions = {},
  ): Promise<{ closed: number }> {
    let closed = 0;
    await pooled(connectionIds.length, options.concurrency, async (i) => {
      if (await this.host.close(connectionIds[i] as string)) closed++;
    });
    return { closed };
  }

  /** Frames posted to the connection so far; undefined once it is closed (or unknown). */
  received(connectionId: string): number | undefined {
    return this.host.inbox(connectionId)?.received;
  }

  /** Starts counting frames that contain `marker` (from now on) across virtual connections. */
  watch(marker: string): FrameWatcher {
    const watcher = new FrameWatcher(marker, (w) => this.watchers.delete(w));
    this.watchers.add(watcher);
    return watcher;
  }

  /** @internal The gateway calls this for every frame it writes to a virtual connection. */
  receive(connection: Connection, inbox: VirtualInbox, data: string | Buffer): void {
    inbox.received++;
    if (this.watchers.size === 0) return;
    const now = Date.now();
    for (const watcher of this.watchers) watcher.offer(connection.id, data, now);
  }
}

function notOpen(connectionId: string): Error {
  return new Error(`Virtual connection ${connectionId} is not open`);
}

/** Runs `task(0..count-1)`, at most `concurrency` at once. */
export async function pooled(
  count: number,
  concurrency: number | undefined,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  const workers = Math.max(1, Math.min(concurrency ?? DEFAULT_CONCURRENCY, count));
  await Promise.all(Array.from({ length: workers }, worker));
}
