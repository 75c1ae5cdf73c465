/**
 * The ConnectionSender contract on the senders that post to a gateway: the Management API
 * sender (the real SDK client over the local gateway's `@connections` HTTP API) and the
 * dev server's direct sender. Each world is a gateway of its own with real WebSocket
 * clients; a throttled one has an account quota of nothing.
 */
import { ManagementApiSender } from '../../../../functions/stores/management-api/sender.js';
import { directSender } from '../../../../local/direct-sender.js';
import { type Gateway, startGateway } from '../../../../local/gateway/index.js';
import {
  connect,
  lastConnectionId,
  Recorder,
  silentLog,
  type TestClient,
} from '../../../local/gateway/helpers.js';
import {
  type SenderHarness,
  type SenderWorld,
  senderContract,
} from '../../core/ports/sender.contract.js';

const silent = { info: () => {}, warn: () => {}, error: () => {} };

async function gatewayWorld(
  { throttled }: SenderWorld,
  senderFor: (gateway: Gateway) => SenderHarness['sender'],
): Promise<[SenderHarness, () => Promise<void>]> {
  const recorder = new Recorder();
  const gateway = await startGateway({
    port: 0,
    routes: recorder.routes(),
    log: silentLog,
    // A bucket that starts empty and does not refill within a test: every post is a 429.
    ...(throttled ? { limits: { accountThrottle: { ratePerSecond: 0.001, burst: 0 } } } : {}),
  });
  const clients = new Map<string, TestClient>();
  const harness: SenderHarness = {
    sender: senderFor(gateway),
    async open() {
      const client = await connect(gateway.url);
      const id = await lastConnectionId(recorder);
      clients.set(id, client);
      return id;
    },
    async close(id) {
      const client = clients.get(id);
      client?.ws.close();
      await client?.closed;
    },
    async received(id, count) {
      const client = clients.get(id);
      if (!client) throw new Error(`no connection ${id} was opened`);
      await client.message(count);
      return [...client.messages];
    },
  };
  return [
    harness,
    async () => {
      for (const client of clients.values()) client.ws.close();
      await Promise.all([...clients.values()].map((client) => client.closed));
      await gateway.close();
    },
  ];
}

senderContract('Management API (SDK over the local gateway)', (world) =>
  gatewayWorld(
    world,
    (gateway) =>
      new ManagementApiSender({
        endpoint: gateway.callbackUrl,
        concurrency: 2,
        log: silent,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
  ),
);

senderContract('direct (dev server, into the local gateway)', (world) =>
  gatewayWorld(world, (gateway) => directSender(gateway)),
);
