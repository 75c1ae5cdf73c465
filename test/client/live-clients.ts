/**
 * What the SDK's end-to-end tests share: clients of the real server (closed by the
 * caller's `closeAll`) and a wait for one event.
 */
import {
  type ConnectOptions,
  connect,
  type ParleyClient,
  type ParleyEvents,
} from '../../client/index.js';
import type { TestParley } from '../support/parley.js';

/** Opens SDK clients on `parley` for any user; `closeAll` closes every one. */
export function liveClients(parley: () => TestParley) {
  const clients: ParleyClient[] = [];
  return {
    async open(
      userId: string,
      options: Omit<ConnectOptions, 'url' | 'token'> = {},
    ): Promise<ParleyClient> {
      const server = parley();
      const token = await server.token(userId);
      const client = connect({ ...options, url: server.url, token: () => Promise.resolve(token) });
      clients.push(client);
      return client;
    },
    closeAll: () => Promise.all(clients.map((c) => c.close())),
  };
}

/** The next `event` the client emits that `match` accepts. */
export function next<K extends keyof ParleyEvents>(
  client: ParleyClient,
  event: K,
  match: (payload: ParleyEvents[K]) => boolean = () => true,
): Promise<ParleyEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (payload) => {
      if (!match(payload)) return;
      off();
      resolve(payload);
    });
  });
}
