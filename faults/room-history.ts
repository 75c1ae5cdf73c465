/**
 * A room's whole history as a new member reads it once the fault is over: join, then
 * `get_history` pages with `after` until `hasMore` is false. A request answered
 * `unavailable` (a store still coming back) is asked again, until `deadline`.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { StoredMessage } from './measure.js';

type Frame = Record<string, unknown>;
const ASK_TIMEOUT_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function readRoomHistory(
  url: string,
  token: string,
  roomId: string,
  deadline: number,
): Promise<StoredMessage[]> {
  const socket = new WebSocket(`${url}/?token=${encodeURIComponent(token)}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<string, (frame: Frame) => void>();
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    const id = frame.requestId;
    if (typeof id === 'string') waiting.get(id)?.(frame);
  });
  const ask = async (frame: Frame): Promise<Frame> => {
    for (;;) {
      const requestId = randomUUID();
      const reply = await new Promise<Frame>((resolve) => {
        // A request lost with a post that failed is asked again, like any unanswered one.
        const timer = setTimeout(
          () => resolve({ type: 'error', code: 'unavailable' }),
          ASK_TIMEOUT_MS,
        );
        waiting.set(requestId, (answer) => {
          clearTimeout(timer);
          resolve(answer);
        });
        socket.send(JSON.stringify({ ...frame, requestId }));
      });
      waiting.delete(requestId);
      if (reply.type !== 'error') return reply;
      if (reply.code !== 'unavailable' || Date.now() > deadline) {
        throw new Error(`reading ${roomId}'s history: ${JSON.stringify(reply)}`);
      }
      await sleep(200);
    }
  };
  try {
    await ask({ action: 'join_room', roomId, limit: 1 });
    const messages: StoredMessage[] = [];
    let after = 0;
    for (;;) {
      const page = await ask({ action: 'get_history', roomId, after, limit: 100 });
      const got = page.messages as StoredMessage[];
      messages.push(...got);
      if (!page.hasMore || got.length === 0) return messages;
      after = got.at(-1)?.seq ?? after;
    }
  } finally {
    socket.terminate();
  }
}
