/**
 * Sends frames through the API Gateway Management API (PostToConnection), against AWS or
 * the local gateway alike. Posts run in parallel through a bounded pool; the HTTP agent
 * keeps connections alive and has room for the pool (the SDK's default of 50 sockets
 * would quietly queue a larger Promise.all); every request has a timeout, since a
 * PostToConnection can otherwise hang.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import pLimit from 'p-limit';
import type { BroadcastResult, ChatLogger, ConnectionSender } from '../../core/ports.js';
import { translateStoreError } from '../store-errors.js';

export interface ManagementApiSenderOptions {
  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`, or the local gateway. */
  endpoint: string;
  region?: string;
  /** Posts in flight at once per broadcast. */
  concurrency?: number;
  requestTimeoutMs?: number;
  log: ChatLogger;
  /** Dev and tests: the local gateway accepts any credentials. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

type SdkError = { name?: string; $metadata?: { httpStatusCode?: number } } | null;

/** SDK v3 reports a gone connection as GoneException with HTTP 410 in `$metadata`. */
export function isGone(error: unknown): boolean {
  const e = error as SdkError;
  return e?.name === 'GoneException' || e?.$metadata?.httpStatusCode === 410;
}

/** Refused by the account's quota (429, `LimitExceededException`): it passes a moment later. */
export function isThrottled(error: unknown): boolean {
  const e = error as SdkError;
  return e?.$metadata?.httpStatusCode === 429 || e?.name === 'LimitExceededException';
}

/**
 * A post worth trying again: throttled (429, `LimitExceededException`: the account's
 * shared quota), a 5xx, or no HTTP answer at all (a timeout, a reset socket). A 4xx other
 * than 429 (413 too large, 403, 400) would fail the same way again.
 */
export function isRetryable(error: unknown): boolean {
  const e = error as SdkError;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status === 429 || status >= 500 || e?.name === 'LimitExceededException';
}

export function createManagementApiClient(
  options: ManagementApiSenderOptions,
): ApiGatewayManagementApiClient {
  const concurrency = options.concurrency ?? 64;
  const agentOptions = { keepAlive: true, maxSockets: concurrency };
  return new ApiGatewayManagementApiClient({
    endpoint: options.endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 2,
    // Handler options rather than a NodeHttpHandler instance: the SDK builds its own
    // handler from them, and the bundle need not carry a second copy of it.
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 2_000,
      requestTimeout: options.requestTimeoutMs ?? 3_000,
      // Without it the timeout only logs a warning and the post waits for its answer.
      throwOnRequestTimeout: true,
    },
  });
}

/**
 * A post that may pass later (throttled, timed out, 5xx) is the Management API being
 * unavailable: `unavailable` to a client, and worth another try to a caller that can wait.
 * Anything else is rethrown as it is.
 */
export function asUnavailable(error: unknown): unknown {
  return translateStoreError('API Gateway', isRetryable, error);
}

export class ManagementApiSender implements ConnectionSender {
  private readonly client: ApiGatewayManagementApiClient;
  private readonly concurrency: number;
  private readonly log: ChatLogger;

  constructor(options: ManagementApiSenderOptions, client?: ApiGatewayManagementApiClient) {
    this.client = client ?? createManagementApiClient(options);
    this.concurrency = options.concurrency ?? 64;
    this.log = options.log;
  }

  async send(connectionId: string, data: string): Promise<boolean> {
    try {
      await this.client.send(
        new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(data) }),
      );
      return true;
    } catch (error) {
      if (isGone(error)) return false;
      throw asUnavailable(error);
    }
  }

  async broadcast(connectionIds: readonly string[], data: string): Promise<BroadcastResult> {
    const limit = pLimit(this.concurrency);
    const payload = Buffer.from(data);
    const gone: string[] = [];
    const retry: string[] = [];
    let failed = 0;
    await Promise.all(
      connectionIds.map((connectionId) =>
        limit(async () => {
          try {
            await this.client.send(
              new PostToConnectionCommand({ ConnectionId: connectionId, Data: payload }),
            );
          } catch (error) {
            if (isGone(error)) {
              gone.push(connectionId);
              return;
            }
            if (isRetryable(error)) {
              retry.push(connectionId);
              return;
            }
            failed++;
            this.log.warn('post to connection failed', { connectionId, error: String(error) });
          }
        }),
      ),
    );
    return { gone, retry, failed };
  }
}
