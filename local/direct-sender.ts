/**
 * The dev server's sender: the same outcome as PostToConnection (sent, or gone = 410)
 * through a direct call into the local gateway, which runs in the handlers' process.
 *
 * Why: locally, each post through the SDK costs a signed HTTP request parsed by the same
 * process (about 2 ms of CPU), so fan-out, not chat logic, would dominate the dev server
 * and the benchmark; on AWS that work happens in API Gateway, off the Lambda's CPU. The
 * SDK path stays available (`PARLEY_LOCAL_SENDER=sdk`) and the gateway tests and the
 * end-to-end tests pin it with the real ApiGatewayManagementApiClient.
 */
import type { BroadcastResult, ConnectionSender } from '../functions/core/ports.js';
import type { Gateway } from './gateway/index.js';

export function directSender(
  gateway: Pick<Gateway, 'postToConnection' | 'postToConnections'>,
): ConnectionSender {
  return {
    async send(connectionId, data) {
      return (await gateway.postToConnection(connectionId, data)) === 'sent';
    },
    async broadcast(connectionIds, data): Promise<BroadcastResult> {
      // Encoded once for every recipient, not once per socket (a text frame either way).
      // A frame over the limit fails every post, as each PostToConnection would (413).
      return gateway.postToConnections(connectionIds, Buffer.from(data)).then(
        ({ gone }) => ({ gone, retry: [], failed: 0 }),
        () => ({ gone: [], retry: [], failed: connectionIds.length }),
      );
    },
  };
}
