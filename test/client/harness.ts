/**
 * What the SDK's unit tests share: a client on the fake server under fake timers, every
 * event it emits recorded, and a way to let its promise callbacks run.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import {
  type ConnectOptions,
  connect,
  type Message,
  type ParleyClient,
  type ParleyError,
} from '../../client/index.js';
import { FakeParley } from './fake-parley.js';

/** Lets queued promise callbacks run until `cond` holds; fails if it never does. */
export async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (cond()) return;
    await Promise.resolve();
  }
  throw new Error(`${what} never held`);
}

export const contents = (messages: Message[]) => messages.map((m) => m.content);
export const seqs = (messages: Message[]) => messages.map((m) => m.seq);

/**
 * Fake timers for each test of the calling file, and `setup` to open clients that are
 * closed after each test.
 */
export function sdkHarness() {
  let clients: ParleyClient[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await Promise.all(clients.map((c) => c.close()));
    clients = [];
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function setup(options: Partial<ConnectOptions> = {}, server = new FakeParley()) {
    const client = connect({
      url: 'ws://parley.test/stage',
      token: 'alice',
      WebSocket: server.WebSocket,
      ...options,
    });
    clients.push(client);
    const received: Message[] = [];
    const errors: ParleyError[] = [];
    const states: string[] = [];
    client.on('message', (m) => received.push(m));
    client.on('error', (e) => errors.push(e));
    client.on('state', (s) => states.push(s));
    return { server, client, received, errors, states };
  }

  /** Runs the reconnect timer (whatever its jittered delay) and waits for the new socket. */
  async function reconnect(server: FakeParley, sockets: number) {
    await vi.advanceTimersToNextTimerAsync();
    await until(() => server.sockets.length === sockets, 'a new socket');
  }

  return { setup, reconnect };
}
