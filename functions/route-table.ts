/**
 * Every route of the WebSocket API and the Lambda entry that serves it (a file in
 * `functions/`). The CDK stack and the local gateway both read this one list, so a route
 * added here exists in both.
 */
export const AUTHORIZER_ENTRY = 'authorizer';

export const ROUTE_ENTRIES = {
  $connect: 'connect',
  $disconnect: 'disconnect',
  $default: 'default',
  join_room: 'join-room',
  leave_room: 'leave-room',
  send_message: 'send-message',
  get_history: 'get-history',
} as const;

export type RouteKey = keyof typeof ROUTE_ENTRIES;

/**
 * Routes that only answer their own caller and touch no store. Their functions run outside
 * the VPC with no access to the stores or their secrets, and their bundles carry no store
 * client (see functions/default.ts).
 */
export const STORELESS_ROUTES: readonly RouteKey[] = ['$default'];

/**
 * How long each function may run before Lambda ends it, in seconds: the stack configures
 * these (lib/parley-function.ts, lib/parley-stack.ts) and the local gateway enforces the
 * same numbers (`LAMBDA_TIMEOUT_MS`, `PARLEY_AWS_LIMITS`).
 */
export const FUNCTION_TIMEOUT_SECONDS = {
  /** Every route function. */
  route: 10,
  /** The $connect authorizer: a token check, nothing more. */
  authorizer: 5,
} as const;
