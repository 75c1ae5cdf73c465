/**
 * What the cost model assumes about how clients and functions behave, each with where it
 * comes from: the repo's own settings (imported, so a changed limit changes the bill), its
 * measured records, or an estimate said to be one. The CLI prints them all.
 */

import { DEFAULT_ROLLOVER_AFTER_MS } from '../client/rollover.js';
import { TYPING_RENEW_MS } from '../client/typing.js';
import { DEFAULT_LIMITS } from '../functions/core/limits.js';
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { FILES_BUCKET } from '../functions/route-table.js';

/** AWS bills a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;

/** API Gateway meters WebSocket messages in 32 KB units. */
export const MESSAGE_UNIT_BYTES = 32 * 1024;

/** The Lambda memory sizes the stack sets (lib/parley-function.ts, lib/parley-stack.ts). */
export const MEMORY_MB = {
  route: 512,
  authorizer: 256,
  fanoutWorker: FANOUT_WORKER.memoryMb,
  thumbnailWorker: FILES_BUCKET.thumbnailWorker.memoryMb,
} as const;

/**
 * Bytes of each frame as the SDK receives it (compact, the SDK's default), from
 * docs/decisions/2026-12-06-compact-frames.md; inbound frames from the same sample fields.
 */
export const FRAME_BYTES = {
  newMessage: 288,
  ack: 300,
  typing: 61,
  read: 58,
  readState: 60,
  presence: 61,
  presenceCount: 40,
  pong: 20,
  roomHistory: 13_940,
  listRooms: 2_000,
  uploadReply: 900,
  /** What a client sends: an action and its fields (a send with 100 characters). */
  sendInbound: 200,
  smallInbound: 80,
} as const;

export interface Assumption {
  name: string;
  value: string;
  source: string;
}

/** Named model constants; the CLI and the doc print `describeAssumptions()` of them. */
export const MODEL = {
  /** API Gateway ends every connection at 2 hours: a client that waits for it reconnects then. */
  sessionHours: 2,
  /** The SDK replaces its connection this often, before that limit (client/rollover.ts). */
  sdkRolloverHours: DEFAULT_ROLLOVER_AFTER_MS / 3_600_000,
  /** The SDK pings after this much silence (client/client.ts `idlePingMs`). */
  idlePingSeconds: 120,
  /** The SDK renews `typing start` at most this often (client/typing.ts `renewMs`). */
  sdkTypingIntervalMs: TYPING_RENEW_MS,
  /** The SDK sends at most one `mark_read` per room this often (`readMarkIntervalMs`). */
  sdkReadMarkIntervalMs: 1200,
  /** One PostToConnection's latency from a Lambda (docs/capacity.md, L: 10-50 ms). */
  postLatencySeconds: 0.02,
  /** Posts in flight per invocation (`POST_CONCURRENCY`). */
  postConcurrency: 64,
  /** CPU per post in the SDK (docs/capacity.md, c: 0.7-0.85 ms of one vCPU). */
  postCpuSeconds: 0.0008,
  /** Memory that buys one vCPU. */
  mbPerVcpu: 1769,
  /**
   * A handler's own time besides posting: store round trips through RDS Proxy and Redis,
   * JSON, logging. Estimates: the repo counts store work (1 statement, 2 Redis round
   * trips a send) but has not timed handlers on AWS.
   */
  handlerMs: {
    authorizer: 15,
    connect: 25,
    disconnect: 40,
    default: 5,
    joinRoom: 40,
    listRooms: 30,
    sendMessage: 25,
    presence: 8,
    markRead: 20,
    requestUpload: 25,
    fanoutSlice: 20,
    thumbnail: 600,
    retentionPurge: 2000,
  },
  /** Bytes a post adds on the wire through NAT: SigV4 headers, HTTP and the answer. */
  postOverheadBytes: 1500,
  /**
   * Log bytes per Lambda invocation: Lambda's JSON platform lines (start, report), which a
   * profile without platform logs does not write, and the app's own (warnings, on average).
   */
  lambdaPlatformLogBytes: 1000,
  lambdaAppLogBytes: 200,
  /** One API Gateway access-log line (lib/websocket-api.ts, 12 fields). */
  accessLogBytes: 450,
  /** CloudWatch bills stored logs compressed; JSON logs compress about this much. */
  logCompression: 0.15,
  /** VPC flow logs (REJECT only) and PostgreSQL's log, a month. */
  otherLogsGb: 0.5,
  /** X-Ray's default sampling on Lambda: the first request a second, then 5%. */
  xrayReservoirPerSecond: 1,
  xrayFixedRate: 0.05,
  /** DynamoDB request units per session: see usage.ts. */
  connectionItemBytes: 400,
  /** PostgreSQL bytes a stored message takes with its indexes (search GIN included). */
  messageRowBytes: 1000,
  /** Redis ECPUs per frame the stores serve: rate limit, heartbeat, and one Lua script. */
  ecpuPerFrame: 4,
  /** Bytes per connection in a room's cached list, per recent message in a window. */
  cacheBytesPerConnection: 120,
  cacheBytesPerWindowMessage: 450,
  /** Secrets Manager reads: one per secret per cold start; cold starts per 1,000 invocations. */
  coldStartsPerThousand: 2,
  /** Files: average upload, its thumbnail, and the share of readers who open the full file. */
  fileBytes: 500_000,
  thumbnailBytes: 30_000,
  fileOpenShare: 0.2,
  /** Retention purge: EventBridge runs it hourly (functions/route-table.ts). */
  purgeRunsPerMonth: HOURS_PER_MONTH,
  /** KMS requests a month from the SNS topic and the cache's key (data keys, rotation). */
  kmsRequestsBase: 10_000,
  /** The Ably channel a room maps to is attached while any member is online. */
  limits: DEFAULT_LIMITS,
  fanoutWorker: FANOUT_WORKER,
} as const;

/** Every assumption, with its source, as the CLI and docs/cost.md print them. */
export function describeAssumptions(): Assumption[] {
  const l = DEFAULT_LIMITS;
  const h = MODEL.handlerMs;
  return [
    {
      name: 'month',
      value: `${HOURS_PER_MONTH} hours (${DAYS_PER_MONTH.toFixed(2)} days)`,
      source: "AWS's billing month",
    },
    {
      name: 'users online',
      value: 'an average over the whole month, each with its connections open all the time',
      source: 'the load given',
    },
    {
      name: 'reconnects',
      value: `every ${MODEL.sessionHours} h per connection (API Gateway's maximum), or every ${Math.round(MODEL.sdkRolloverHours * 60)} min where the SDK rolls over before it (the default: a new connection opened first, then the old one closed); each rejoins its rooms, and every 2 h the app lists them (a rollover is invisible to it)`,
      source: 'API Gateway quota; functions/core/limits.ts CONNECTION_TTL_MS; client/rollover.ts',
    },
    {
      name: 'heartbeat',
      value: `a ping every ${MODEL.idlePingSeconds} s per connection (idle 10 min would close it; the presence TTL is ${l.presenceTtlSec} s)`,
      source: 'client/client.ts idlePingMs; docs/protocol.md "Heartbeats"',
    },
    {
      name: 'typing',
      value: `a start when composing begins and every ${MODEL.sdkTypingIntervalMs / 1000} s while it goes on, no stop on send (the message ends it); the server relays a start at most every ${l.typingThrottleMs / 1000} s per user and room, none in rooms over ${l.typingMaxMembers}`,
      source: 'client/typing.ts; functions/core/limits.ts typingThrottleMs, typingMaxMembers',
    },
    {
      name: 'read receipts',
      value: `live readers mark each message as it arrives (SDK: one mark per room per ${MODEL.sdkReadMarkIntervalMs / 1000} s); every member marks each room once per ${MODEL.sessionHours} h (a reconnect, or coming back: not a rollover); receipts go to the room in rooms up to ${l.receiptsMaxMembers}, one per user and room per ${l.receiptThrottleMs / 1000} s`,
      source:
        'client/read-marks.ts; functions/core/limits.ts receiptsMaxMembers, receiptThrottleMs',
    },
    {
      name: 'presence',
      value: `none from a rollover (the user keeps a connection in the room throughout); a client that reconnects after the 2 h close: a presence frame to the room per join and leave up to ${l.presenceFullMax} connections; above, a presence_count at most every max(${l.presenceCountMinSeconds} s, N / ${l.presenceCountPostsPerSecond}) s`,
      source:
        'functions/core/presence.ts userHasOthers; functions/core/limits.ts presenceFullMax, presenceCountMinSeconds; docs/capacity.md',
    },
    {
      name: 'fan-out',
      value: `inline up to ${l.inlineFanoutMax} connections; above, slices of ${l.fanoutSliceSize} through SQS to the ${FANOUT_WORKER.memoryMb} MB worker, ${FANOUT_WORKER.postsPerSecond} posts/s each`,
      source: 'functions/core/limits.ts; functions/fanout-settings.ts; docs/capacity.md',
    },
    {
      name: 'post time',
      value: `a post takes ${MODEL.postLatencySeconds * 1000} ms; an invocation posts min(${MODEL.postConcurrency} / L, vCPU / ${MODEL.postCpuSeconds * 1000} ms) a second (~360/s at 512 MB)`,
      source: 'docs/capacity.md (L, c, P)',
    },
    {
      name: 'handler time besides posts (estimates)',
      value: `authorizer ${h.authorizer} ms, $connect ${h.connect}, $disconnect ${h.disconnect}, join ${h.joinRoom}, send ${h.sendMessage}, typing/ping ${h.presence}, mark_read ${h.markRead}, thumbnail ${h.thumbnail} ms`,
      source:
        'estimates: docs/decisions/2026-12-06-send-path-costs.md and read-state.md count the store work, not AWS time',
    },
    {
      name: 'memory',
      value: `routes ${MEMORY_MB.route} MB, authorizer ${MEMORY_MB.authorizer}, fan-out worker ${MEMORY_MB.fanoutWorker}, thumbnail worker ${MEMORY_MB.thumbnailWorker} (x86_64); the rest arm64`,
      source:
        'lib/parley-function.ts, lib/parley-stack.ts, functions/fanout-settings.ts, functions/route-table.ts',
    },
    {
      name: 'frame sizes (compact, the SDK default)',
      value: `new_message ${FRAME_BYTES.newMessage} B, typing ${FRAME_BYTES.typing}, read ${FRAME_BYTES.read}, presence ${FRAME_BYTES.presence}, join reply ${FRAME_BYTES.roomHistory}: each 1 message of 32 KB`,
      source: 'docs/decisions/2026-12-06-compact-frames.md',
    },
    {
      name: 'logs',
      value: `${MODEL.lambdaPlatformLogBytes} B per invocation of Lambda's start and report lines (none where the profile turns them off) and ${MODEL.lambdaAppLogBytes} B of the app's, ${MODEL.accessLogBytes} B per API access-log line, ${MODEL.otherLogsGb} GB/month of flow and PostgreSQL logs; stored at ${MODEL.logCompression * 100}% of raw`,
      source: 'estimates from the log formats (lib/websocket-api.ts, JSON Lambda logs)',
    },
    {
      name: 'X-Ray',
      value: `every function traced where the profile traces (lib/profiles.ts functionTracing; lean does not); Lambda records the first request each second and ${MODEL.xrayFixedRate * 100}% of the rest, counted per function`,
      source: 'AWS Lambda X-Ray default sampling; per function is an upper bound',
    },
    {
      name: 'NAT',
      value: `every post from a function in the VPC (with ${MODEL.postOverheadBytes} B of HTTP and signing) goes through NAT when the profile has one; lean reaches the Management API over IPv6 (egress-only gateway, no charge)`,
      source: 'lib/profiles.ts natGateways',
    },
    {
      name: 'files',
      value: `${MODEL.fileBytes / 1000} KB average, a ${MODEL.thumbnailBytes / 1000} KB thumbnail every reader loads, ${MODEL.fileOpenShare * 100}% of readers open the file; a month of uploads stored`,
      source: 'estimates',
    },
    {
      name: 'free tier',
      value:
        'not applied unless --free-tier: then the always-free allowances (Lambda 1M requests and 400,000 GB-s, 100 GB out, 10 alarms, 3 dashboards, 5 GB logs, 100,000 traces, 20,000 KMS and 1M SQS requests, 25 GB DynamoDB); never the 12-month offers or credits',
      source: 'AWS Free Tier pages',
    },
  ];
}
