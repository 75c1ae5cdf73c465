/**
 * A member that stops reading its socket: it joins a room of the load, then pauses its
 * socket (the kernel's buffers fill, then the server's) while the others keep sending, and
 * reads again afterwards. What it cost the server is this process's RSS; the others'
 * figures show whether it held them up.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { FaultEnd, Target } from './run-fault.js';
import { sleep } from './run-fault.js';

const MB = 1024 * 1024;
const AFTER_RESUME_MS = 1_000;

export async function slowReader(
  target: Target,
  roomId: string,
  pauseMs: number,
): Promise<FaultEnd> {
  const token = await target.token(`slow-${randomUUID().slice(0, 8)}`);
  const socket = new WebSocket(`${target.url}/?token=${encodeURIComponent(token)}`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let frames = 0;
  let closed: number | undefined;
  socket.on('message', () => frames++);
  socket.once('close', (code) => {
    closed = code;
  });
  const joined = new Promise<void>((resolve) => {
    socket.once('message', () => resolve());
  });
  socket.send(JSON.stringify({ action: 'join_room', roomId, limit: 1, requestId: 'join' }));
  await joined;

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  socket.pause();
  const until = Date.now() + pauseMs;
  while (Date.now() < until) {
    await sleep(Math.min(250, until - Date.now()));
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }
  const atPause = frames;
  socket.resume();
  const healedAt = Date.now();
  await sleep(AFTER_RESUME_MS);
  socket.terminate();
  const grew = ((rssPeak - rssBefore) / MB).toFixed(1);
  const fate = closed === undefined ? 'stayed open' : `closed ${closed}`;
  return {
    healedAt,
    note:
      `slow reader ${fate}; read ${frames - atPause} frames once it read again; ` +
      `RSS +${grew} MB while it did not read`,
  };
}
