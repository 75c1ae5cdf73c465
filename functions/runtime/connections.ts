/**
 * The DynamoDB client and connection store, apart from the rest of the runtime: the
 * $connect route needs nothing else, so its bundle leaves out PostgreSQL, Redis and the
 * Management API (smaller, and faster to start on every connection storm). The full
 * runtime (deps.ts) makes its own, or shares one it is given (the local server's).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConnectionStore } from '../core/ports.js';
import { DynamoConnectionStore } from '../stores/dynamodb/connection-store.js';
import { type ConnectionsConfig, readConnectionsConfig } from './config.js';
import { localCredentials } from './local-credentials.js';

export interface Connections {
  client: DynamoDBClient;
  store: DynamoConnectionStore;
  close(): void;
}

export function createConnections(config: ConnectionsConfig): Connections {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
    ...localCredentials(config.DYNAMODB_ENDPOINT),
  });
  return {
    client,
    store: new DynamoConnectionStore(client, config.CONNECTIONS_TABLE),
    close: () => client.destroy(),
  };
}

/**
 * $connect's store on Lambda: made from the environment on first use and kept for the
 * container's life (the entry file binds one; see connect.ts).
 */
export function lambdaConnectionStore(): () => ConnectionStore {
  let connections: Connections | undefined;
  return () => {
    connections ??= createConnections(readConnectionsConfig());
    return connections.store;
  };
}
