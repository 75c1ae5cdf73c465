/**
 * The DynamoDB client and connection store, apart from the rest of the runtime: the
 * $connect route needs nothing else, so its bundle leaves out PostgreSQL, Redis and the
 * Management API (smaller, and faster to start on every connection storm). The full
 * runtime (deps.ts) makes its own, or shares one it is given (the local server's).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoConnectionStore } from '../stores/dynamodb/connection-store.js';
import { type ConnectionsConfig, readConnectionsConfig } from './config.js';
import { localCredentials } from './local-credentials.js';
import type { HandlerWiring } from './wiring.js';

export interface Connections {
  client: DynamoDBClient;
  store: DynamoConnectionStore;
  /** The cap on live connections per user that $connect holds (`MAX_CONNECTIONS_PER_USER`). */
  maxConnectionsPerUser: number;
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
    maxConnectionsPerUser: config.MAX_CONNECTIONS_PER_USER,
    close: () => client.destroy(),
  };
}

/**
 * $connect's wiring on Lambda: the store and its cap, made from the environment on first
 * use and kept for the container's life (the entry file binds one; see connect.ts).
 */
export function lambdaConnectWiring(): Pick<
  HandlerWiring,
  'connectionStore' | 'maxConnectionsPerUser'
> {
  let connections: Connections | undefined;
  const made = () => {
    connections ??= createConnections(readConnectionsConfig());
    return connections;
  };
  return {
    connectionStore: () => made().store,
    maxConnectionsPerUser: () => made().maxConnectionsPerUser,
  };
}
