/** Loads the Lambda entries of `functions/` for the local gateway, by the shared route table. */
import { AUTHORIZER_ENTRY, ROUTE_ENTRIES } from '../functions/route-table.js';
import type {
  RequestAuthorizerHandler,
  WebSocketHandler,
} from '../functions/shared/apigw-events.js';

export interface LoadedHandlers {
  authorizer: RequestAuthorizerHandler;
  routes: Record<string, WebSocketHandler>;
}

export async function loadHandlers(): Promise<LoadedHandlers> {
  const routes: Record<string, WebSocketHandler> = {};
  for (const [routeKey, entry] of Object.entries(ROUTE_ENTRIES)) {
    const module = (await import(`../functions/${entry}.js`)) as { handler: WebSocketHandler };
    routes[routeKey] = module.handler;
  }
  const { handler: authorizer } = (await import(`../functions/${AUTHORIZER_ENTRY}.js`)) as {
    handler: RequestAuthorizerHandler;
  };
  return { authorizer, routes };
}
