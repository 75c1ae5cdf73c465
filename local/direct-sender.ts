/**
 * The dev server's sender: the same outcomes as PostToConnection (sent, gone = 410,
 * throttled = 429) through a direct call into the local gateway, which runs in the
 * handlers' process, under the same limits as its HTTP `@connections` API.
 *
 * Why: locally, each post through the SDK costs a signed HTTP request parsed by the same
 * process (its CPU: docs/decisions/2026-12-06-local-aws-limits.md), so fan-out, not chat
 * logic, would dominate the dev server and the benchmark; on AWS that work happens in API
 * Gateway, off the Lambda's CPU. The SDK path stays available (`PARLEY_LOCAL_SENDER=sdk`)
 * and the gateway tests and the end-to-end tests pin it with the real
 * ApiGatewayManagementApiClient.
 *
 * Unlike the SDK client (`maxAttempts: 2`), it does not retry a throttled post itself: it
 * reports it in `retry`, for the caller to try again later.
 */
import type { BroadcastResult, ConnectionSender } from '../functions/core/ports.js';
import { asUnavailable } from '../functions/stores/management-api/sender.js';
import type { Gateway } from './gateway/index.js';

export interface DirectSenderOptions {
  /**
   * Posts in flight at once per broadcast, as the SDK sender's pool allows
   * (`POST_CONCURRENCY`); it matters only when the gateway adds latency. Default: no bound.
   */
  concurrency?: number;
}

export function directSender(
  gateway: Pick<Gateway, 'postToConnection' | 'postToConnections'>,
  options: DirectSenderOptions = {},
): ConnectionSender {
  const batch = options.concurrency === undefined ? {} : { concurrency: options.concurrency };
  return {
    async send(connectionId, data) {
      try {
        return (await gateway.postToConnection(connectionId, data)) === 'sent';
      } catch (error) {
        throw asUnavailable(error); // a throttled post, as the SDK sender reports it
      }
    },
    async broadcast(connectionIds, data): Promise<BroadcastResult> {
      // Encoded once for every recipient, not once per socket (a text frame either way).
      try {
        const { gone, throttled } = await gateway.postToConnections(
          connectionIds,
          Buffer.from(data),
          batch,
        );
        return { gone, retry: throttled, failed: 0 };
      } catch (error) {
        // A frame over the limit fails every post, as each PostToConnection would (413).
        if (isPayloadTooLarge(error)) return { gone: [], retry: [], failed: connectionIds.length };
        throw error; // the invocation timed out: it is over, whatever it is told
      }
    },
  };
}

function isPayloadTooLarge(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'PayloadTooLargeException';
}
