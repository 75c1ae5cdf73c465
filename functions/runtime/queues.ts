/**
 * The fan-out queue the chat core hands big deliveries to: SQS, with one client per
 * container and one queue adapter per Management API endpoint (each job names the
 * endpoint its posts go to).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { FanoutQueue } from '../core/ports.js';
import { keyedMemo } from '../shared/memo.js';
import { SqsFanoutQueue } from '../stores/sqs/fanout-queue.js';
import type { HandlerConfig } from './config.js';
import { localCredentials } from './local-credentials.js';

export interface Queues {
  queueFor(endpoint: string): FanoutQueue;
  close(): void;
}

/**
 * Stands in when no queue is configured: every job fails loudly where it is handed over
 * (the core logs the posts it cost). Rooms up to FANOUT_INLINE_MAX never queue, so a
 * configuration without queues still serves them; the stack always sets both URLs.
 */
const unconfigured: FanoutQueue = {
  enqueue: () => Promise.reject(missingQueue()),
  deadLetter: () => Promise.reject(missingQueue()),
};

function missingQueue(): Error {
  return new Error(
    'Invalid configuration: FANOUT_QUEUE_URL and FANOUT_DEAD_LETTER_QUEUE_URL are needed ' +
      'for rooms above FANOUT_INLINE_MAX and for retries',
  );
}

/**
 * Where the client sends: the configured endpoint (local), else SQS's regional one. With IPv6
 * the only way out (the lean profile), its dual-stack endpoint, and not the queue URL's
 * host (which the SDK would otherwise use), whose addresses are IPv4 only.
 */
export function sqsEndpointOptions(
  config: Pick<HandlerConfig, 'SQS_ENDPOINT' | 'PARLEY_IPV6_EGRESS'>,
): Pick<SQSClientConfig, 'endpoint' | 'useDualstackEndpoint' | 'useQueueUrlAsEndpoint'> {
  if (config.SQS_ENDPOINT) return { endpoint: config.SQS_ENDPOINT };
  return config.PARLEY_IPV6_EGRESS
    ? { useDualstackEndpoint: true, useQueueUrlAsEndpoint: false }
    : {};
}

export function createQueues(config: HandlerConfig): Queues {
  const queueUrl = config.FANOUT_QUEUE_URL;
  const deadLetterQueueUrl = config.FANOUT_DEAD_LETTER_QUEUE_URL;
  if (!queueUrl || !deadLetterQueueUrl) return { queueFor: () => unconfigured, close() {} };
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const client = new SQSClient({
    region: config.AWS_REGION,
    ...sqsEndpointOptions(config),
    ...localCredentials(config.SQS_ENDPOINT),
    maxAttempts: 3,
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 1_000,
      requestTimeout: 2_000,
      // Without it a request past its timeout only logs a warning and goes on waiting.
      throwOnRequestTimeout: true,
    },
  });
  return {
    queueFor: keyedMemo(
      (endpoint: string) => new SqsFanoutQueue(client, { queueUrl, deadLetterQueueUrl, endpoint }),
    ),
    close: () => client.destroy(),
  };
}
