/**
 * The authorization matrix (test/support/authorization-matrix.ts) through the route
 * handlers, over the fakes: every cell in a fresh room, every frame the sender was handed
 * recorded, so a leak cannot hide in a delivery still under way.
 */
import { randomUUID } from 'node:crypto';
import { describe, it, vi } from 'vitest';
import { logger } from '../../functions/runtime/logger.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { buildHandlers } from '../../local/handlers.js';
import {
  buildScene,
  CELLS,
  type MatrixClient,
  type MatrixDriver,
  runCell,
} from '../support/authorization-matrix.js';
import type { Frame } from '../support/chat-client.js';
import { lambdaContext, messageEvent, newConnectionId } from '../support/events.js';
import { fakeWiring, fakeWorld } from '../support/fakes.js';

function fakeDriver(): MatrixDriver {
  const world = fakeWorld();
  const routes: Record<string, WebSocketHandler> = buildHandlers(fakeWiring(world)).routes;
  return {
    async connect(userId): Promise<MatrixClient> {
      const connectionId = newConnectionId();
      await world.connections.putConnection({ connectionId, userId, connectedAt: 1 });
      const frames = () => world.sender.framesTo(connectionId).map((f) => f as unknown as Frame);
      return {
        userId,
        frames,
        async request(frame) {
          const requestId = randomUUID();
          const handler = routes[String(frame.action)];
          if (!handler) throw new Error(`no route ${String(frame.action)}`);
          await handler(
            messageEvent({ ...frame, requestId }, { connectionId, userId }),
            lambdaContext(),
          );
          const reply = frames().find((f) => f.requestId === requestId);
          if (!reply) throw new Error(`no reply to ${JSON.stringify(frame)}`);
          return reply;
        },
      };
    },
  };
}

describe('authorization matrix, handlers over fakes', () => {
  it.each(CELLS)('$standing $action in a $kind room', async ({ kind, action, standing }) => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const scene = await buildScene(fakeDriver(), kind, `m-${randomUUID().slice(0, 8)}`);
    await runCell(scene, action, standing);
  });
});
