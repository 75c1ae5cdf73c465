/**
 * The authorization matrix (test/support/authorization-matrix.ts) end to end: real
 * WebSocket clients through the local gateway, PostgreSQL, Redis and DynamoDB. Each cell
 * builds its own room. Before the leak check, each outsider makes a round trip of its own,
 * so frames posted to it before that reply have arrived.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  buildScene,
  CELLS,
  type MatrixDriver,
  runCell,
  type Scene,
} from '../../support/authorization-matrix.js';
import type { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

/** A driver whose connections the cell closes when it ends. */
function cellDriver(): MatrixDriver & { close(): Promise<void> } {
  const opened: ChatClient[] = [];
  return {
    async connect(userId) {
      const client = await parley.connect(userId);
      opened.push(client);
      return { userId, request: (frame) => client.request(frame), frames: () => client.frames };
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
