/**
 * How handlers reach connections through the Management API: one sender per callback
 * endpoint. This module opens no store, so a route that only answers its caller ($default)
 * can reply without the runtime.
 */
import type { ConnectionSender } from '../core/ports.js';
import { keyedMemo } from '../shared/memo.js';
import { ManagementApiSender } from '../stores/management-api/sender.js';
import { localCredentials } from './local-credentials.js';
import { chatLogger } from './logger.js';

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
  return keyedMemo((endpoint: string) => createSender(endpoint, options));
}

/** The sender for an event's callback URL. */
export type ReplySenders = (callbackUrl: string) => ConnectionSender;

/**
 * Senders that need no runtime: for a route that only answers its caller, and to tell a
 * client why its request failed when the runtime could not be created (bad configuration,
 * Secrets Manager unreachable). Reads only `CALLBACK_URL`, `AWS_REGION` and
 * `POST_TIMEOUT_MS` from `env`, leniently, on first use. The Lambda entries pass
 * `process.env` (the Lambda model); the local server passes its own settings.
 */
export function standaloneSenders(env: NodeJS.ProcessEnv = process.env): ReplySenders {
  let senders: ((endpoint: string) => ConnectionSender) | undefined;
  return (callbackUrl) => {
    senders ??= senderCache({
      region: env.AWS_REGION || 'us-east-1',
      concurrency: 1,
      requestTimeoutMs: positiveOr(Number(env.POST_TIMEOUT_MS), 3_000),
    });
    return senders(env.CALLBACK_URL || callbackUrl);
  };
}

function positiveOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
