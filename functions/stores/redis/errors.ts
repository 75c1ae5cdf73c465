/**
 * Recognises the Redis failures that mean it cannot serve now. ioredis raises a
 * `ReplyError` for what the server answered; any other failure (a closed connection, a
 * deadline) means no answer came. Replies that mean "this server cannot serve now"
 * (failover, loading, memory, cluster resharding, auth) are unavailable too; every other
 * reply says the command is wrong: a bug, rethrown as it is.
 */
import { ReplyError } from 'ioredis';
import { storeGuard } from '../store-errors.js';

const UNAVAILABLE_REPLIES =
  /^(READONLY|LOADING|OOM|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|BUSY|NOAUTH|WRONGPASS|NOPERM|MOVED|ASK)\b/;

function isRedisUnavailable(error: unknown): boolean {
  return !(error instanceof ReplyError) || UNAVAILABLE_REPLIES.test((error as Error).message);
}

/** Runs one Redis call, turning "Redis cannot serve now" into `unavailable`. */
export const guardedRedis = storeGuard('Redis', isRedisUnavailable);
