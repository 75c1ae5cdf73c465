/**
 * What a load makes happen in a month: the frames clients send (API Gateway messages in),
 * the posts Parley makes to connections (messages out), and the Lambda invocations that
 * do it, by feature. `limits: false` counts the same load as if Parley had none of its
 * limits (typing throttle and cut-off, receipts' cut-off and the SDK's coalesced marks,
 * presence counts in big rooms), to show what each limit saves.
 */
import {
  DAYS_PER_MONTH,
  FRAME_BYTES,
  HOURS_PER_MONTH,
  MEMORY_MB,
  MESSAGE_UNIT_BYTES,
  MODEL,
  SECONDS_PER_MONTH,
} from './assumptions.js';
import { type Load, roomConnections, roomCount } from './load.js';

export const FEATURES = [
  'messages',
  'typing',
  'reads',
  'presence',
  'sessions',
  'heartbeats',
  'files',
] as const;
export type Feature = (typeof FEATURES)[number];

export const FUNCTION_KINDS = [
  'authorizer',
  'connect',
  'disconnect',
  'listRooms',
  'joinRoom',
  'sendMessage',
  'presence',
  'readState',
  'files',
  'fanoutWorker',
  'thumbnailWorker',
  'retentionPurge',
] as const;
export type FunctionKind = (typeof FUNCTION_KINDS)[number];

/** Functions outside the VPC (lib/function-needs.ts): their posts never cross NAT. */
export const OUTSIDE_VPC: ReadonlySet<FunctionKind> = new Set([
  'authorizer',
  'connect',
  'thumbnailWorker',
]);

export interface FrameTally {
  /** Frames. */
  count: number;
  /** API Gateway messages: each frame in 32 KB units. */
  units: number;
  bytes: number;
}

export interface InvocationTally {
  count: number;
  /** Billed duration, all invocations together. */
  seconds: number;
  memoryMb: number;
  /** Posts it made (each crosses NAT when the function is in the VPC). */
  posts: number;
  postBytes: number;
}

export interface Traffic {
  inbound: Record<Feature, FrameTally>;
  outbound: Record<Feature, FrameTally>;
  /** Of `outbound`, the replies to the caller (acks, pongs, pages, read_state). */
  replies: Record<Feature, number>;
  invocations: Record<FunctionKind, InvocationTally>;
  sqsRequests: number;
  /** Connection-minutes and sessions (connects) a month. */
  connectionMinutes: number;
  sessions: number;
  /** DynamoDB request units and the PostgreSQL statements a month. */
  dynamoWrites: number;
  dynamoReads: number;
  /** Redis ECPUs a month. */
  cacheEcpus: number;
  /** S3: uploads' and thumbnails' PUTs, GETs (HEADs too) and bytes downloaded. */
  s3Puts: number;
  s3Gets: number;
  s3DownloadBytes: number;
  s3StoredBytes: number;
}

/** 32 KB units a frame of `bytes` bills as: a 33 KB frame is 2 messages. */
export function billedMessages(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / MESSAGE_UNIT_BYTES));
}

/** Seconds an invocation of `memoryMb` spends posting `posts` frames at once. */
export function postSeconds(posts: number, memoryMb: number): number {
  if (posts <= 0) return 0;
  const latencyBound = MODEL.postConcurrency / MODEL.postLatencySeconds;
  const cpuBound = memoryMb / MODEL.mbPerVcpu / MODEL.postCpuSeconds;
  return Math.max(MODEL.postLatencySeconds, posts / Math.min(latencyBound, cpuBound));
}

function emptyFrames(): Record<Feature, FrameTally> {
  return Object.fromEntries(FEATURES.map((f) => [f, { count: 0, units: 0, bytes: 0 }])) as Record<
    Feature,
    FrameTally
  >;
}

function memoryOf(kind: FunctionKind): number {
  if (kind === 'authorizer') return MEMORY_MB.authorizer;
  if (kind === 'fanoutWorker') return MEMORY_MB.fanoutWorker;
  if (kind === 'thumbnailWorker') return MEMORY_MB.thumbnailWorker;
  return MEMORY_MB.route;
}

/** Accumulates a month's traffic event by event. */
class Tally {
  readonly traffic: Traffic;

  constructor() {
    this.traffic = {
      inbound: emptyFrames(),
      outbound: emptyFrames(),
      replies: Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<Feature, number>,
      invocations: Object.fromEntries(
        FUNCTION_KINDS.map((k) => [
          k,
          { count: 0, seconds: 0, memoryMb: memoryOf(k), posts: 0, postBytes: 0 },
        ]),
      ) as Record<FunctionKind, InvocationTally>,
      sqsRequests: 0,
      connectionMinutes: 0,
      sessions: 0,
      dynamoWrites: 0,
      dynamoReads: 0,
      cacheEcpus: 0,
      s3Puts: 0,
      s3Gets: 0,
      s3DownloadBytes: 0,
      s3StoredBytes: 0,
    };
  }

  /** `n` frames of `bytes` from clients, each an invocation of `kind` taking `handlerMs`. */
  receive(feature: Feature, kind: FunctionKind, n: number, bytes: number, handlerMs: number): void {
    const frames = this.traffic.inbound[feature];
    frames.count += n;
    frames.units += n * billedMessages(bytes);
    frames.bytes += n * bytes;
    this.invoke(kind, n, handlerMs / 1000);
  }

  invoke(kind: FunctionKind, n: number, secondsEach: number): void {
    const fn = this.traffic.invocations[kind];
    fn.count += n;
    fn.seconds += n * secondsEach;
  }

  /**
   * `n` times, `kind` posts a frame of `bytes` to `audience` connections: inline up to
   * `inlineFanoutMax` (the posting time is the invocation's), else through the queue.
   */
  deliver(feature: Feature, kind: FunctionKind, n: number, audience: number, bytes: number): void {
    if (n <= 0 || audience <= 0) return;
    const out = this.traffic.outbound[feature];
    out.count += n * audience;
    out.units += n * audience * billedMessages(bytes);
    out.bytes += n * audience * bytes;
    const { limits, fanoutWorker } = MODEL;
    if (audience <= limits.inlineFanoutMax) {
      const fn = this.traffic.invocations[kind];
      fn.seconds += n * postSeconds(audience, fn.memoryMb);
      fn.posts += n * audience;
      fn.postBytes += n * audience * bytes;
      return;
    }
    const slices = Math.ceil(audience / limits.fanoutSliceSize);
    const perSlice = audience / slices;
    const worker = this.traffic.invocations.fanoutWorker;
    worker.count += n * slices;
    worker.seconds +=
      n *
      slices *
      (MODEL.handlerMs.fanoutSlice / 1000 +
        Math.max(MODEL.postLatencySeconds, perSlice / fanoutWorker.postsPerSecond));
    worker.posts += n * audience;
    worker.postBytes += n * audience * bytes;
    // One SendMessageBatch per 10 slices; each slice received and deleted once.
    this.traffic.sqsRequests += n * (Math.ceil(slices / 10) + 2 * slices);
  }

  /** A reply to the caller: one post from the function that served it. */
  reply(feature: Feature, kind: FunctionKind, n: number, bytes: number): void {
    this.traffic.replies[feature] += n;
    this.deliver(feature, kind, n, 1, bytes);
  }
}

/** A month of the load's traffic; `limits: false` as if Parley had none of its limits. */
export function trafficOf(load: Load, { limits = true } = {}): Traffic {
  const t = new Tally();
  const l = MODEL.limits;
  const h = MODEL.handlerMs;
  const perUser = load.connectionsPerUser;
  const inRoom = roomConnections(load);
  /** Other users' connections in a room: who hears typing, presence and receipts. */
  const othersConnections = (load.roomSize - 1) * perUser;
  /** Everyone in the room but the connection that sent: who hears a new message. */
  const audience = inRoom - 1;
  const connections = load.users * perUser;
  const rooms = roomCount(load);
  const roomReadEcpus = Math.ceil((inRoom * MODEL.cacheBytesPerConnection) / 1024);
  const storeFrame = (n: number) => {
    t.traffic.cacheEcpus += n * (MODEL.ecpuPerFrame + roomReadEcpus);
  };

  // Connections: open all month, replaced by the SDK before API Gateway's 2-hour limit, or
  // closed at it and reopened.
  const sessionHours = load.rollover ? MODEL.sdkRolloverHours : MODEL.sessionHours;
  const sessions = (connections * HOURS_PER_MONTH) / sessionHours;
  /**
   * What the app sees as coming back, once per 2 hours: it lists its rooms and marks each
   * read. A rollover is not one (the SDK rejoins the rooms by itself and the app sees
   * nothing), so with it the rollovers' extra connects only rejoin.
   */
  const visits = (connections * HOURS_PER_MONTH) / MODEL.sessionHours;
  t.traffic.sessions = sessions;
  t.traffic.connectionMinutes = connections * HOURS_PER_MONTH * 60;
  t.invoke('authorizer', sessions, h.authorizer / 1000);
  t.invoke('connect', sessions, h.connect / 1000);
  // $connect: a Query of the user's partition (the cap) and a PutItem.
  t.traffic.dynamoReads += sessions;
  t.traffic.dynamoWrites += sessions;
  t.receive('sessions', 'listRooms', visits, FRAME_BYTES.smallInbound, h.listRooms);
  t.reply('sessions', 'listRooms', visits, FRAME_BYTES.listRooms);
  storeFrame(visits);
  const joins = sessions * load.roomsPerUser;
  t.receive('sessions', 'joinRoom', joins, FRAME_BYTES.smallInbound, h.joinRoom);
  t.reply('sessions', 'joinRoom', joins, FRAME_BYTES.roomHistory);
  storeFrame(joins);
  t.traffic.dynamoWrites += joins;
  // $disconnect: the connection's items deleted, the user's partition read for lastSeen.
  t.invoke('disconnect', sessions, h.disconnect / 1000);
  t.traffic.dynamoWrites += sessions * (1 + load.roomsPerUser + 1);
  t.traffic.dynamoReads += sessions * 2;
  t.traffic.cacheEcpus += sessions * load.roomsPerUser * (MODEL.ecpuPerFrame + roomReadEcpus);

  // Presence: a user's one connection coming and going is an online and an offline to
  // every room they are in; another open connection of theirs keeps them online, which is
  // what a rollover relies on (the new connection joins before the old one leaves).
  const presenceChanges = perUser === 1 && !load.rollover ? joins : 0;
  if (!limits || inRoom <= l.presenceFullMax) {
    t.deliver('presence', 'joinRoom', presenceChanges, othersConnections, FRAME_BYTES.presence);
    t.deliver('presence', 'disconnect', presenceChanges, othersConnections, FRAME_BYTES.presence);
  } else {
    // A presence_count per period at most, to every connection of the room.
    const period = Math.max(l.presenceCountMinSeconds, inRoom / l.presenceCountPostsPerSecond);
    const changesPerRoomSecond = (2 * presenceChanges) / rooms / SECONDS_PER_MONTH;
    const countsPerRoom = SECONDS_PER_MONTH * Math.min(changesPerRoomSecond, 1 / period);
    t.deliver('presence', 'joinRoom', countsPerRoom * rooms, inRoom, FRAME_BYTES.presenceCount);
  }

  // Heartbeats: a ping after every 2 minutes of silence, answered with a pong.
  const pings = (connections * SECONDS_PER_MONTH) / MODEL.idlePingSeconds;
  t.receive('heartbeats', 'presence', pings, FRAME_BYTES.smallInbound, h.presence);
  t.reply('heartbeats', 'presence', pings, FRAME_BYTES.pong);
  storeFrame(pings);

  // Messages: the send, its ack, a new_message to everyone else in the room.
  const messages = load.messagesPerDay * DAYS_PER_MONTH;
  t.receive('messages', 'sendMessage', messages, FRAME_BYTES.sendInbound, h.sendMessage);
  t.reply('messages', 'sendMessage', messages, FRAME_BYTES.ack);
  t.deliver('messages', 'sendMessage', messages, audience, FRAME_BYTES.newMessage);
  storeFrame(messages);

  // Typing: starts while composing at the client's pace; no stop, as the message that
  // follows ends the typing at every receiver (client/typing.ts).
  if (load.typingSeconds > 0) {
    const composeMs = load.typingSeconds * 1000;
    const starts = Math.ceil(composeMs / load.typingIntervalMs);
    t.receive('typing', 'presence', messages * starts, FRAME_BYTES.smallInbound, h.presence);
    storeFrame(messages * starts);
    const relayedStarts = limits
      ? Math.min(starts, Math.ceil(composeMs / Math.max(load.typingIntervalMs, l.typingThrottleMs)))
      : starts;
    const told = !limits || inRoom <= l.typingMaxMembers;
    if (told) {
      t.deliver(
        'typing',
        'presence',
        messages * relayedStarts,
        othersConnections,
        FRAME_BYTES.typing,
      );
    }
  }

  // Read marks: live readers mark each message as it comes (the SDK coalesces a busy
  // room's marks to one per 1.2 s); every member marks each room once per 2 h visit.
  const busySeconds = load.activeHoursPerDay * 3600;
  const messagesPerRoomSecond = load.messagesPerDay / rooms / busySeconds;
  const marksPerMessage = limits
    ? Math.min(1, 1 / (messagesPerRoomSecond * (MODEL.sdkReadMarkIntervalMs / 1000)))
    : 1;
  const liveMarks = messages * (load.roomSize - 1) * load.liveReadShare * marksPerMessage;
  const catchUpMarks = visits * load.roomsPerUser;
  const marks = liveMarks + catchUpMarks;
  t.receive('reads', 'readState', marks, FRAME_BYTES.smallInbound, h.markRead);
  t.reply('reads', 'readState', marks, FRAME_BYTES.readState);
  storeFrame(marks);
  t.deliver('reads', 'readState', marks, perUser - 1, FRAME_BYTES.readState);
  if (!limits || inRoom <= l.receiptsMaxMembers) {
    t.deliver('reads', 'readState', marks, othersConnections, FRAME_BYTES.read);
  }

  // Files: a signed upload, the PUT, a thumbnail; readers load the thumbnail, some the file.
  const files = load.filesPerDay * DAYS_PER_MONTH;
  t.receive('files', 'files', files, FRAME_BYTES.smallInbound, h.requestUpload);
  t.reply('files', 'files', files, FRAME_BYTES.uploadReply);
  storeFrame(files);
  t.invoke('thumbnailWorker', files, h.thumbnail / 1000);
  const readers = load.roomSize - 1;
  // The upload and the thumbnail's PUT; the send's HEAD, the worker's GET, readers' GETs.
  t.traffic.s3Puts += files * 2;
  t.traffic.s3Gets += files * (2 + readers * (1 + MODEL.fileOpenShare));
  t.traffic.s3DownloadBytes +=
    files * readers * (MODEL.thumbnailBytes + MODEL.fileOpenShare * MODEL.fileBytes);
  t.traffic.s3StoredBytes += files * (MODEL.fileBytes + MODEL.thumbnailBytes);

  // The hourly retention purge.
  t.invoke('retentionPurge', MODEL.purgeRunsPerMonth, h.retentionPurge / 1000);
  return t.traffic;
}

/** API Gateway messages (in and out) of a feature. */
export function featureMessages(traffic: Traffic, feature: Feature): number {
  return traffic.inbound[feature].units + traffic.outbound[feature].units;
}

export function totalMessages(traffic: Traffic): number {
  return FEATURES.reduce((sum, f) => sum + featureMessages(traffic, f), 0);
}
