/**
 * Sends fuzzed frames over a few connections, one frame in flight on each, and checks that
 * every frame is answered: by a reply, or by the close the gateway's limits give it (1007
 * invalid UTF-8, 1009 too big, 1003 binary). Pushed frames (`new_message`, `presence`) are
 * not answers. A frame unanswered within the timeout, or a connection closed any other way,
 * is recorded with its index, so `--seed` and the index find it again.
 */
import { WebSocket } from 'ws';
import { type FuzzFrame, nextFuzzFrame, REFUSING_CLOSES } from './fuzz-frames.js';
import type { Random } from './random.js';

const PUSHED = new Set(['new_message', 'presence', 'presence_count']);
const REPLY_TIMEOUT_MS = 10_000;

export interface FuzzProblem {
  index: number;
  kind: string;
  what: string;
  frame: string;
}

export interface FuzzStats {
  frames: number;
  /** Replies by type (`error:<code>` for errors), and closes by code. */
  answers: Record<string, number>;
  byKind: Record<string, number>;
  unanswered: FuzzProblem[];
  /** Closes other than the limits' (1006, 1011...). */
  unexpectedCloses: FuzzProblem[];
  /** The gateway's `Internal server error` frames: a handler threw. */
  handlerFailures: FuzzProblem[];
}

export interface FuzzOptions {
  url: string;
  token(connection: number): Promise<string>;
  frames: number;
  connections: number;
  random: Random;
  /** Called every `every` frames with how many were sent. */
  progress?: { every: number; report(sent: number): Promise<void> | void };
}

type Answer = { reply: Record<string, unknown> } | { close: number } | 'timeout';

class FuzzConnection {
  private socket: WebSocket | undefined;
  private waiting: ((answer: Answer) => void) | undefined;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  private open(): Promise<WebSocket> {
    const socket = new WebSocket(`${this.url}/?token=${encodeURIComponent(this.token)}`);
    socket.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        frame = { type: 'not JSON' };
      }
      if (typeof frame.type === 'string' && PUSHED.has(frame.type)) return;
      this.waiting?.({ reply: frame });
    });
    socket.once('close', (code) => {
      if (this.socket === socket) this.socket = undefined;
      this.waiting?.({ close: code });
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  }

  async exchange(frame: FuzzFrame): Promise<Answer> {
    this.socket ??= await this.open();
    const socket = this.socket;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), REPLY_TIMEOUT_MS);
      const done = (answer: Answer) => {
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(answer);
      };
      this.waiting = done;
      socket.send(frame.data, { binary: frame.binary });
    });
  }

  close(): void {
    this.socket?.terminate();
  }
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** A frame for a report: its start, as text. */
const preview = (frame: FuzzFrame) =>
  (typeof frame.data === 'string' ? frame.data : `<${frame.data.toString('hex')}>`).slice(0, 200);

export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const stats: FuzzStats = {
    frames: 0,
    answers: {},
    byKind: {},
    unanswered: [],
    unexpectedCloses: [],
    handlerFailures: [],
  };
  const rooms = Array.from({ length: 4 }, (_, i) => `fuzz-${options.random.seed}-${i}`);
  let next = 0;
  const worker = async (connection: FuzzConnection) => {
    for (;;) {
      const index = next++;
      if (index >= options.frames) return;
      // Drawn when claimed, so frame `index` is the same for a seed whatever the timing.
      const frame = nextFuzzFrame(options.random, rooms);
      bump(stats.byKind, frame.kind);
      const answer = await connection.exchange(frame);
      stats.frames++;
      const problem = (what: string) => ({ index, kind: frame.kind, what, frame: preview(frame) });
      if (answer === 'timeout') {
        stats.unanswered.push(problem('no answer'));
      } else if ('close' in answer) {
        bump(stats.answers, `close ${answer.close}`);
        if (!REFUSING_CLOSES.has(answer.close)) {
          stats.unexpectedCloses.push(problem(`closed ${answer.close}`));
        }
      } else {
        const { reply } = answer;
        const type = typeof reply.type === 'string' ? reply.type : 'untyped';
        bump(stats.answers, type === 'error' ? `error:${String(reply.code)}` : type);
        if (reply.message === 'Internal server error') {
          stats.handlerFailures.push(problem('Internal server error'));
        }
      }
      const every = options.progress?.every;
      if (every && stats.frames % every === 0) await options.progress?.report(stats.frames);
    }
  };
  const connections = await Promise.all(
    Array.from(
      { length: options.connections },
      async (_, i) => new FuzzConnection(options.url, await options.token(i)),
    ),
  );
  try {
    await Promise.all(connections.map(worker));
  } finally {
    for (const c of connections) c.close();
  }
  return stats;
}
