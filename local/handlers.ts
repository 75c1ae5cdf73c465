/** The Lambda entries of `functions/`, keyed by the shared route table, for the local gateway. */
import { handler as authorizer } from '../functions/authorizer.js';
import { handler as connect } from '../functions/connect.js';
import { handler as defaultRoute } from '../functions/default.js';
import { handler as disconnect } from '../functions/disconnect.js';
import { handler as fanoutWorker } from '../functions/fanout-worker.js';
import { handler as getHistory } from '../functions/get-history.js';
import { handler as joinRoom } from '../functions/join-room.js';
import { handler as leaveRoom } from '../functions/leave-room.js';
import { ROUTE_ENTRIES } from '../functions/route-table.js';
import { handler as sendMessage } from '../functions/send-message.js';
import type {
  RequestAuthorizerHandler,
  WebSocketHandler,
} from '../functions/shared/apigw-events.js';

/** Each entry file's handler, by file name: the same names the CDK stack bundles. */
const ENTRIES: Record<(typeof ROUTE_ENTRIES)[keyof typeof ROUTE_ENTRIES], WebSocketHandler> = {
  connect,
  disconnect,
  default: defaultRoute,
  'join-room': joinRoom,
  'leave-room': leaveRoom,
  'send-message': sendMessage,
  'get-history': getHistory,
};

export interface LoadedHandlers {
  authorizer: RequestAuthorizerHandler;
  routes: Record<string, WebSocketHandler>;
  /** The SQS-triggered fan-out worker (functions/fanout-settings.ts). */
  fanoutWorker: typeof fanoutWorker;
}

export async function loadHandlers(): Promise<LoadedHandlers> {
  const routes = Object.fromEntries(
    Object.entries(ROUTE_ENTRIES).map(([routeKey, entry]) => [routeKey, ENTRIES[entry]]),
  );
  return { authorizer, routes, fanoutWorker };
}
