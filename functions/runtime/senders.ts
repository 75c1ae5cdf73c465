/**
 * How handlers reach connections: through the Management API for the event's endpoint, or
 * through the in-process sender the local gateway sets. This module opens no store, so a
 * route that only answers its caller ($default) can reply without the runtime.
 */
import type { ConnectionSender } from '../core/ports.js';
import { ManagementApiSender } from '../stores/management-api/sender.js';
import { localCredentials } from './local-credentials.js';
import { chatLogger } from './logger.js';

/**
 * A sender that reaches connections without the Management API's HTTP round trip. Only
 * the local gateway sets one, for handlers that run in its own process (see
 * local/direct-sender.ts); on Lambda there is none and every post goes through the SDK.
 */
let inProcessSender: ConnectionSender | undefined;

export function useInProcessSender(sender: ConnectionSender | undefined): void {
  inProcessSender = sender;
}

/** The local gateway's in-process sender, when the handlers run inside it. */
export function currentInProcessSender(): ConnectionSender | undefined {
  return inProcessSender;
}

export interface SenderOptions {
  region: string;
  concurrency: number;
  requestTimeoutMs: number;
}

function createSender(endpoint: string, options: SenderOptions): ConnectionSender {
  return new ManagementApiSender({
    endpoint,
    ...options,
    log: chatLogger,
    ...localCredentials(endpoint),
  });
}

/** One Management API sender per endpoint, made with `options` on first use and kept. */
export function senderCache(options: SenderOptions): (endpoint: string) => ConnectionSender {
  const senders = new Map<string, ConnectionSender>();
  return (endpoint) => {
    let sender = senders.get(endpoint);
    if (!sender) {
      sender = createSender(endpoint, options);
      senders.set(endpoint, sender);
    }
    return sender;
  };
}

let standaloneSenders: ((endpoint: string) => ConnectionSender) | undefined;

/**
 * A sender that needs no runtime: for a route that only answers its caller, and to tell
 * a client why its request failed when the runtime could not be created (bad
 * configuration, Secrets Manager unreachable). Reads only `CALLBACK_URL`, `AWS_REGION` and
 * `POST_TIMEOUT_MS`, leniently.
 */
export function standaloneSender(callbackUrl: string): ConnectionSender {
  if (inProcessSender) return inProcessSender;
  standaloneSenders ??= senderCache({
    region: process.env.AWS_REGION || 'us-east-1',
    concurrency: 1,
    requestTimeoutMs: positiveOr(Number(process.env.POST_TIMEOUT_MS), 3_000),
  });
  return standaloneSenders(process.env.CALLBACK_URL || callbackUrl);
}

function positiveOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
