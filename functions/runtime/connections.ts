/**
 * The container's DynamoDB client and connection store, apart from the rest of the
 * runtime: the $connect route needs nothing else, so its bundle leaves out PostgreSQL,
 * Redis and the Management API (smaller, and faster to start on every connection storm).
 * The full runtime (deps.ts) shares the same client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ConnectionStore } from '../core/ports.js';
import { DynamoConnectionStore } from '../stores/dynamodb/connection-store.js';
import { type ConnectionsConfig, readConnectionsConfig } from './config.js';
import { localCredentials } from './local-credentials.js';

export interface Connections {
  client: DynamoDBClient;
  store: DynamoConnectionStore;
}

let current: Connections | undefined;
let replacement: ConnectionStore | undefined;

/** The store $connect writes to: a test's replacement, else the container's own. */
export function connectionStore(): ConnectionStore {
  return replacement ?? connectionsRuntime().store;
}

/** Makes `connectionStore()` answer with `store` (tests), or with the real one again. */
export function replaceConnectionStore(store: ConnectionStore | undefined): void {
  replacement = store;
}

/** Created on first use from the environment; `resetConnections` starts over. */
export function connectionsRuntime(
  config: ConnectionsConfig = readConnectionsConfig(),
): Connections {
  if (!current) {
    const client = new DynamoDBClient({
      region: config.AWS_REGION,
      ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
      ...localCredentials(config.DYNAMODB_ENDPOINT),
    });
    current = { client, store: new DynamoConnectionStore(client, config.CONNECTIONS_TABLE) };
  }
  return current;
}

/**
 * Destroys a client and forgets it if it is still the container's (tests change the
 * endpoint or table between runs); without an argument, whichever is current.
 */
export function resetConnections(which: Connections | undefined = current): void {
  which?.client.destroy();
  if (current === which) current = undefined;
}
