/**
 * The handlers of `functions/`, keyed by the shared route table, built for the local
 * gateway from the factories the Lambda entries bind: the same code, given this server's
 * wiring instead of the Lambda default.
 */
import { makeAuthorizerHandler } from '../functions/authorizer.js';
import { makeConnectHandler } from '../functions/connect.js';
import { makeDefaultHandler } from '../functions/default.js';
import { makeDisconnectHandler } from '../functions/disconnect.js';
import { type FanoutWorkerHandler, makeFanoutWorkerHandler } from '../functions/fanout-worker.js';
import { makeFilesHandler } from '../functions/files.js';
import { makeGetHistoryHandler } from '../functions/get-history.js';
import { makeJoinRoomHandler } from '../functions/join-room.js';
import { makeLeaveRoomHandler } from '../functions/leave-room.js';
import { makeMessageEditsHandler } from '../functions/message-edits.js';
import { makePresenceHandler } from '../functions/presence.js';
import { makeReactionsHandler } from '../functions/reactions.js';
import { makeReadStateHandler } from '../functions/read-state.js';
import { makeRoomsHandler } from '../functions/rooms.js';
import { ROUTE_ENTRIES } from '../functions/route-table.js';
import type { HandlerWiring } from '../functions/runtime/wiring.js';
import { makeSearchHandler } from '../functions/search.js';
import { makeSendMessageHandler } from '../functions/send-message.js';
import type {
  RequestAuthorizerHandler,
  WebSocketHandler,
} from '../functions/shared/apigw-events.js';

type HandlerFactory = (wiring: HandlerWiring) => WebSocketHandler;

/** Each entry file's factory, by file name: the same names the CDK stack bundles. */
const ENTRIES: Record<(typeof ROUTE_ENTRIES)[keyof typeof ROUTE_ENTRIES], HandlerFactory> = {
  connect: makeConnectHandler,
  disconnect: makeDisconnectHandler,
  default: makeDefaultHandler,
  'join-room': makeJoinRoomHandler,
  'leave-room': makeLeaveRoomHandler,
  'send-message': makeSendMessageHandler,
  'get-history': makeGetHistoryHandler,
  rooms: makeRoomsHandler,
  'message-edits': makeMessageEditsHandler,
  'read-state': makeReadStateHandler,
  reactions: makeReactionsHandler,
  presence: makePresenceHandler,
  search: makeSearchHandler,
  files: makeFilesHandler,
};

export interface LocalHandlers {
  authorizer: RequestAuthorizerHandler;
  routes: Record<string, WebSocketHandler>;
  /** The SQS-triggered fan-out worker (functions/fanout-settings.ts). */
  fanoutWorker: FanoutWorkerHandler;
}

export function buildHandlers(wiring: HandlerWiring): LocalHandlers {
  // One handler per entry, as one Lambda function serves every route of its entry.
  const byEntry = new Map<string, WebSocketHandler>();
  const routes = Object.fromEntries(
    Object.entries(ROUTE_ENTRIES).map(([routeKey, entry]) => {
      let handler = byEntry.get(entry);
      if (!handler) {
        handler = ENTRIES[entry](wiring);
        byEntry.set(entry, handler);
      }
      return [routeKey, handler];
    }),
  );
  return {
    authorizer: makeAuthorizerHandler(wiring),
    routes,
    fanoutWorker: makeFanoutWorkerHandler(wiring),
  };
}
