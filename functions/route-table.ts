/**
 * Every route of the WebSocket API and the Lambda entry that serves it (a file in
 * `functions/`). The CDK stack and the local gateway both read this one list, so a route
 * added here exists in both. Several routes may share an entry (one function serving them
 * all, e.g. `rooms`); they must then declare the same needs.
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
  create_room: 'rooms',
  get_room: 'rooms',
  list_rooms: 'rooms',
  update_room: 'rooms',
  add_member: 'rooms',
  remove_member: 'rooms',
  set_role: 'rooms',
  ban: 'rooms',
  unban: 'rooms',
  mute: 'rooms',
  unmute: 'rooms',
  open_dm: 'rooms',
  // Two routes, one function: an edit and a delete share all but the action.
  edit_message: 'message-edits',
  delete_message: 'message-edits',
  mark_read: 'read-state',
  react: 'reactions',
  // A thread is a page of history read another way: the history function serves both.
  get_thread: 'get-history',
  // Typing and presence: small, frequent, no record writes; see functions/presence.ts.
  typing: 'presence',
  set_status: 'presence',
  get_presence: 'presence',
  ping: 'presence',
  // Reads the record only (one statement a page): its own function, so its load and
  // duration show apart from the chat routes'.
  search_messages: 'search',
  // Files: signing an upload reads the member row and signs locally (functions/files.ts).
  request_upload: 'files',
} as const;

export type RouteKey = keyof typeof ROUTE_ENTRIES;

/**
 * What a function reaches. The stack reads it to place the function (inside the VPC only
 * when it needs PostgreSQL or Redis, which live there) and to grant it exactly that; a new
 * function (a route, or a worker behind a queue) declares its needs here and nothing else.
 *
 * `stores`:
 * - `'stores'`: PostgreSQL (RDS Proxy), Redis and the connections table, with their
 *   secrets; inside the VPC.
 * - `'connections-table'`: only the connections table, with exactly the `tableActions`;
 *   outside the VPC (no ENI, no secret, a faster cold start).
 * - `'none'`: no store; outside the VPC. Such a route never creates the runtime and its
 *   bundle carries no store client (see functions/default.ts).
 *
 * `posts`: it calls the Management API (PostToConnection) on this stage's connections.
 */
export type FunctionNeeds =
  | {
      stores: 'stores' | 'none';
      posts: boolean;
      /**
       * The attachments' bucket (protocol v2, "Files"): `serve` reads objects (a send's
       * HEAD, the signed GETs of served messages), `upload` also signs uploads' PUTs,
       * `erase` only deletes uploads and thumbnails (erasing a user).
       */
      files?: 'serve' | 'upload' | 'erase';
    }
  | { stores: 'connections-table'; tableActions: readonly string[]; posts: boolean };

/** A route that reads and writes the stores and posts to connections: most of them. */
const CHAT_ROUTE: FunctionNeeds = { stores: 'stores', posts: true };
/**
 * A chat route that serves messages, whose attachments get signed links (the `rooms`
 * function's routes all do, as one of them, list_rooms, carries each room's last message).
 */
const SERVING_ROUTE: FunctionNeeds = { ...CHAT_ROUTE, files: 'serve' };

export const ROUTE_NEEDS: Record<RouteKey, FunctionNeeds> = {
  // Counts the user's live connections (a Query of their partition, for the cap) and
  // records the connection, nothing else (functions/connect.ts). It deletes nothing: a
  // refused handshake has written nothing. It posts nothing: a post during $connect
  // answers 410, the connection is not open yet.
  $connect: {
    stores: 'connections-table',
    tableActions: ['dynamodb:PutItem', 'dynamodb:Query'],
    posts: false,
  },
  $disconnect: CHAT_ROUTE,
  // Answers its own caller only.
  $default: { stores: 'none', posts: true },
  join_room: SERVING_ROUTE,
  leave_room: CHAT_ROUTE,
  send_message: SERVING_ROUTE,
  get_history: SERVING_ROUTE,
  create_room: SERVING_ROUTE,
  get_room: SERVING_ROUTE,
  list_rooms: SERVING_ROUTE,
  update_room: SERVING_ROUTE,
  add_member: SERVING_ROUTE,
  remove_member: SERVING_ROUTE,
  set_role: SERVING_ROUTE,
  ban: SERVING_ROUTE,
  unban: SERVING_ROUTE,
  mute: SERVING_ROUTE,
  unmute: SERVING_ROUTE,
  open_dm: SERVING_ROUTE,
  edit_message: SERVING_ROUTE,
  delete_message: SERVING_ROUTE,
  mark_read: CHAT_ROUTE,
  react: SERVING_ROUTE,
  get_thread: SERVING_ROUTE,
  typing: CHAT_ROUTE,
  set_status: CHAT_ROUTE,
  get_presence: CHAT_ROUTE,
  ping: CHAT_ROUTE,
  search_messages: SERVING_ROUTE,
  request_upload: { ...CHAT_ROUTE, files: 'upload' },
};

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

/**
 * Functions no route calls: the stack creates them from these settings with the needs
 * they declare (inside the VPC: PostgreSQL and Redis), and the local commands run the same
 * code (`npm run purge`, `npm run erase-user`).
 */
export const MAINTENANCE_FUNCTIONS = {
  /** Deletes messages past their room's `retentionDays`; an EventBridge rule runs it. */
  retentionPurge: {
    entry: 'retention-purge',
    needs: { stores: 'stores', posts: false } satisfies FunctionNeeds,
    /** EventBridge schedule expression: each run purges what aged out since the last. */
    schedule: 'rate(1 hour)',
    /** It stops taking new batches well before this and the next run resumes. */
    timeoutSeconds: 300,
  },
  /** Erases one user (`aws lambda invoke`, docs/deploy.md); nothing triggers it. */
  eraseUser: {
    entry: 'erase-user',
    // Their messages' attachments go too: deleted from the bucket, never read.
    needs: { stores: 'stores', posts: false, files: 'erase' } satisfies FunctionNeeds,
    /** Lambda's maximum: a large table takes several chunks; a run that stops says where. */
    timeoutSeconds: 900,
  },
} as const;

/**
 * The attachments' bucket as the stack lays it out (protocol v2, "Files"): uploads and
 * thumbnails under their own prefixes (the keys are made by core/files.ts, which a test
 * holds to these), and the worker S3 calls on each new upload.
 */
export const FILES_BUCKET = {
  uploadPrefix: 'rooms/',
  thumbnailPrefix: 'thumbs/',
  thumbnailWorker: {
    entry: 'thumbnail-worker',
    /** sharp is CPU-bound: 1 GB is most of a vCPU for a 25 MiB image's decode. */
    memoryMb: 1024,
    timeoutSeconds: 30,
  },
} as const;
