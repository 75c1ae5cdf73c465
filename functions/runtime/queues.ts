/**
 * The fan-out queue the chat core hands big deliveries to: SQS, with one client per
 * container and one queue adapter per Management API endpoint (each job names the
 * endpoint its posts go to).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { SQSClient } from '@aws-sdk/client-sqs';
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

export function createQueues(config: HandlerConfig): Queues {
  const queueUrl = config.FANOUT_QUEUE_URL;
  const deadLetterQueueUrl = config.FANOUT_DEAD_LETTER_QUEUE_URL;
  if (!queueUrl || !deadLetterQueueUrl) return { queueFor: () => unconfigured, close() {} };
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const client = new SQSClient({
    region: config.AWS_REGION,
    ...(config.SQS_ENDPOINT ? { endpoint: config.SQS_ENDPOINT } : {}),
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
