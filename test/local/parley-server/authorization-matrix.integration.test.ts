/**
 * The authorization matrix (test/support/authorization-matrix.ts) end to end: real
 * WebSocket clients through the local gateway, PostgreSQL, Redis and DynamoDB. Each cell
 * builds its own room. Before the leak check, each outsider makes a round trip of its own,
 * so frames posted to it before that reply have arrived.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type LocalFiles, startLocalFiles } from '../../../local/s3/local-files.js';
import {
  buildScene,
  CELLS,
  type MatrixDriver,
  runCell,
  type Scene,
} from '../../support/authorization-matrix.js';
import type { ChatClient, Frame } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
let files: LocalFiles;
let dir: string;
beforeAll(async () => {
  // request_upload signs against object storage: the local S3, as `npm run dev` has it.
  dir = await mkdtemp(path.join(tmpdir(), 'parley-matrix-'));
  files = await startLocalFiles({ dataDir: dir });
  parley = await startTestParley(files.env);
});
afterAll(async () => {
  await parley?.close();
  await files?.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * A request, asked again while the answer is `unavailable` (a store missed its deadline on
 * a loaded machine, or its circuit is open for a moment), as the SDK does: the protocol
 * marks `unavailable` retryable, and the matrix is about every other answer.
 */
async function askUntilAvailable(
  client: ChatClient,
  frame: Record<string, unknown>,
): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    const reply = await client.request(frame);
    if (reply.type !== 'error' || reply.code !== 'unavailable' || attempt === 8) return reply;
    await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
  }
}

/** A driver whose connections the cell closes when it ends. */
function cellDriver(): MatrixDriver & { close(): Promise<void> } {
  const opened: ChatClient[] = [];
  return {
    async connect(userId) {
      const client = await parley.connect(userId);
      opened.push(client);
      return {
        userId,
        request: (frame) => askUntilAvailable(client, frame),
        frames: () => client.frames,
      };
    },
    close: async () => {
      await Promise.all(opened.map((c) => c.close()));
    },
  };
}

async function settle(scene: Scene): Promise<void> {
  for (const outsider of ['non-member', 'banned', 'removed'] as const) {
    await scene.as[outsider]?.request({ action: 'list_rooms', limit: 1 });
  }
}

// Cells run a few at a time: each is a dozen round trips that mostly wait on the stores.
describe.concurrent('authorization matrix, end to end through the local gateway', () => {
  it.each(CELLS)('$standing $action in a $kind room', async ({ kind, action, standing }) => {
    const driver = cellDriver();
    try {
      const scene = await buildScene(driver, kind, `m-${randomUUID().slice(0, 8)}`);
      await runCell(scene, action, standing, settle);
    } finally {
      await driver.close();
    }
  });
});
