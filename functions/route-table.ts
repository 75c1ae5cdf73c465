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
