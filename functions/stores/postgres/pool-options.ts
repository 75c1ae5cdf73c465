/**
 * The deadlines of every PostgreSQL call the handlers make, in the pg pool's options: the
 * handlers' (functions/runtime) and the benchmark's handler stack, so that what the
 * benchmark times is what ships. Without them a frozen database (it accepts, never
 * answers) held each request for as long as it stayed frozen, past Lambda's timeout.
 * Why these values: docs/decisions/2026-12-06-postgres-deadlines.md.
 */
import type pg from 'pg';

/**
 * The most one statement may wait for its answer, on our side: the client gives up, the
 * pool drops that connection (its reply would never be read), and the caller gets
 * `unavailable`. This is what bounds a frozen or unreachable server.
 */
export const POSTGRES_QUERY_TIMEOUT_MS = 2_000;

/**
 * The server's own bound, shorter than ours: a live but slow server (a lock wait) cancels
 * the statement and rolls it back (SQLSTATE 57014, `unavailable`) before the client stops
 * waiting, so a request answered `unavailable` has stored nothing and its connection stays
 * usable.
 */
export const POSTGRES_STATEMENT_TIMEOUT_MS = 1_500;

/**
 * Waiting for a free pooled connection, or for a new one to log in. Longer than a
 * statement's deadline: a burst queues for the pool (100 concurrent sends on 10 connections
 * of a busy machine waited over a second), and a request queued behind frozen statements
 * gets a connection when their deadline drops them.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 3_000;

export const POSTGRES_DEADLINES = {
  connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
  query_timeout: POSTGRES_QUERY_TIMEOUT_MS,
  statement_timeout: POSTGRES_STATEMENT_TIMEOUT_MS,
} as const satisfies pg.PoolConfig;
