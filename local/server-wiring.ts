/**
 * One local server's wiring: what its handlers reach the stores and connections through,
 * made from the settings it was given (never `process.env`), and the one place that knows
 * what of it was created, so the server closes exactly that.
 */
import { loadVerifier } from '../functions/authorizer.js';
import type { ConnectionSender } from '../functions/core/ports.js';
import { readConfig, readConnectionsConfig } from '../functions/runtime/config.js';
import { type Connections, createConnections } from '../functions/runtime/connections.js';
import { createRuntime } from '../functions/runtime/deps.js';
import { standaloneSenders } from '../functions/runtime/senders.js';
import type { HandlerWiring } from '../functions/runtime/wiring.js';
import { once } from '../functions/shared/memo.js';

/** Settings as a Lambda's environment variables hold them (functions/runtime/config.ts). */
export type ParleyEnv = Readonly<Record<string, string | undefined>>;

export interface ServerWiringOptions {
  /** The handlers' settings, with the server's own callback and queue variables added. */
  env: ParleyEnv;
  /** The gateway's in-process sender, or undefined for the SDK's (through `CALLBACK_URL`). */
  direct: ConnectionSender | undefined;
}

export interface ServerWiring {
  wiring: HandlerWiring;
  /** Closes the runtime and the DynamoDB client, if they were made. */
  close(): Promise<void>;
}

/**
 * The runtime and the verifier are made when the first request needs them and a failure
 * is tried again on the next, as in a Lambda container.
 */
export function serverWiring({ env, direct }: ServerWiringOptions): ServerWiring {
  // One DynamoDB client for $connect and the runtime, as one container would have.
  let connections: Connections | undefined;
  const sharedConnections = () => {
    connections ??= createConnections(readConnectionsConfig(env));
    return connections;
  };
  const runtime = once(() =>
    createRuntime(readConfig(env), {
      ...(direct ? { sender: direct } : {}),
      connections: sharedConnections(),
    }),
  );
  const sdkReplies = standaloneSenders(env);
  return {
    wiring: {
      runtime,
      connectionStore: () => sharedConnections().store,
      maxConnectionsPerUser: () => sharedConnections().maxConnectionsPerUser,
      replySender: direct ? () => direct : sdkReplies,
      verifier: once(() => loadVerifier(env)),
    },
    async close() {
      await (await runtime.created())?.close();
      connections?.close();
    },
  };
}
