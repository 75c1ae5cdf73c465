/**
 * A month's billable usage: the load's traffic (traffic.ts) turned into the quantities
 * AWS meters, under a profile's settings (lib/profiles.ts) and the stack's resources.
 */
import type { ProfileSettings } from '../lib/profiles.js';
import { DAYS_PER_MONTH, HOURS_PER_MONTH, MODEL, SECONDS_PER_MONTH } from './assumptions.js';
import { type Load, roomConnections, roomCount } from './load.js';
import { type StackResources, stackResources } from './stack-resources.js';
import {
  FEATURES,
  FUNCTION_KINDS,
  OUTSIDE_VPC,
  type Traffic,
  totalMessages,
  trafficOf,
} from './traffic.js';

const GB = 1024 ** 3;

export interface Usage {
  apiMessages: number;
  connectionMinutes: number;
  lambdaRequests: number;
  lambdaArmGbSeconds: number;
  lambdaX86GbSeconds: number;
  databaseInstanceHours: number;
  databaseStorageGbMonths: number;
  databaseBackupGbMonths: number;
  proxyVcpuHours: number;
  cacheGbHours: number;
  cacheEcpus: number;
  natGatewayHours: number;
  natGb: number;
  publicIpv4Hours: number;
  dynamoWrites: number;
  dynamoReads: number;
  dynamoStorageGb: number;
  logsIngestGb: number;
  logsStoredGb: number;
  alarms: number;
  dashboards: number;
  customMetrics: number;
  xrayTraces: number;
  secrets: number;
  secretsApiCalls: number;
  kmsKeys: number;
  kmsRequests: number;
  sqsRequests: number;
  s3StorageGb: number;
  s3Puts: number;
  s3Gets: number;
  transferOutGb: number;
}

/** SQS requests a month from the Lambda event source's idle long polls (5 pollers, 20 s). */
const SQS_IDLE_POLLS = 5 * 3 * 60 * HOURS_PER_MONTH;

/**
 * Traces X-Ray records for `invocations` a month spread evenly: Lambda's default rule
 * takes the first request of each second and 5% of the rest (arrivals as Poisson).
 */
export function sampledTraces(invocations: number): number {
  const perSecond = invocations / SECONDS_PER_MONTH;
  const reservoir = 1 - Math.exp(-perSecond * MODEL.xrayReservoirPerSecond);
  return SECONDS_PER_MONTH * (reservoir + MODEL.xrayFixedRate * Math.max(0, perSecond - reservoir));
}

/** Gigabytes the cache holds: each room's connection list and recent window, heartbeats. */
function cacheGb(load: Load): number {
  const rooms = roomCount(load);
  const bytes =
    rooms *
      (roomConnections(load) * MODEL.cacheBytesPerConnection +
        MODEL.limits.recentWindow * MODEL.cacheBytesPerWindowMessage) +
    load.users * load.connectionsPerUser * 200;
  return bytes / GB;
}

export interface MonthlyUsage {
  usage: Usage;
  traffic: Traffic;
  resources: StackResources;
}

export function usageOf(load: Load, settings: ProfileSettings): MonthlyUsage {
  const traffic = trafficOf(load);
  const resources = stackResources(settings);
  let requests = 0;
  let armGbSeconds = 0;
  let x86GbSeconds = 0;
  let traces = 0;
  let vpcPostBytes = 0;
  let vpcPosts = 0;
  let storeInvocations = 0;
  for (const kind of FUNCTION_KINDS) {
    const fn = traffic.invocations[kind];
    requests += fn.count;
    const gbSeconds = (fn.seconds * fn.memoryMb) / 1024;
    if (kind === 'thumbnailWorker') x86GbSeconds += gbSeconds;
    else armGbSeconds += gbSeconds;
    if (settings.functionTracing) traces += sampledTraces(fn.count);
    if (!OUTSIDE_VPC.has(kind)) {
      vpcPosts += fn.posts;
      vpcPostBytes += fn.postBytes;
      storeInvocations += fn.count;
    }
  }
  const inboundFrames = FEATURES.reduce((n, f) => n + traffic.inbound[f].count, 0);
  const outboundBytes = FEATURES.reduce((n, f) => n + traffic.outbound[f].bytes, 0);
  // Every route request (frames, connects, disconnects) writes an access-log line.
  const accessLines = inboundFrames + 2 * traffic.sessions;
  const lambdaLogBytes =
    MODEL.lambdaAppLogBytes + (settings.functionPlatformLogs ? MODEL.lambdaPlatformLogBytes : 0);
  const logsIngestGb =
    (requests * lambdaLogBytes + accessLines * MODEL.accessLogBytes) / GB + MODEL.otherLogsGb;
  const logsStoredGb =
    (logsIngestGb / DAYS_PER_MONTH) * settings.logRetentionDays * MODEL.logCompression;

  const messagesStoredGb = (load.messagesPerDay * DAYS_PER_MONTH * MODEL.messageRowBytes) / GB;
  const dailyChangeGb = (load.messagesPerDay * MODEL.messageRowBytes) / GB;
  const backupGb = messagesStoredGb + dailyChangeGb * settings.backupRetentionDays;
  const storageCopies = settings.databaseMultiAz ? 2 : 1;

  const coldStarts = (storeInvocations * MODEL.coldStartsPerThousand) / 1000;
  // Store functions read two secrets (database, cache); the authorizer reads the JWT's.
  const secretsApiCalls =
    coldStarts * 2 +
    (traffic.invocations.authorizer.count * MODEL.coldStartsPerThousand) / 1000 +
    (settings.databaseSecretRotation ? 10 : 0);

  const usage: Usage = {
    apiMessages: totalMessages(traffic),
    connectionMinutes: traffic.connectionMinutes,
    lambdaRequests: requests,
    lambdaArmGbSeconds: armGbSeconds,
    lambdaX86GbSeconds: x86GbSeconds,
    databaseInstanceHours: resources.databaseInstances * HOURS_PER_MONTH,
    databaseStorageGbMonths: settings.databaseAllocatedStorageGiB * storageCopies,
    databaseBackupGbMonths: Math.max(0, backupGb - settings.databaseAllocatedStorageGiB),
    proxyVcpuHours: resources.proxyVcpus * HOURS_PER_MONTH,
    cacheGbHours: Math.max(0.1, cacheGb(load)) * HOURS_PER_MONTH,
    cacheEcpus: traffic.cacheEcpus,
    natGatewayHours: resources.natGateways * HOURS_PER_MONTH,
    natGb: resources.natGateways > 0 ? (vpcPostBytes + vpcPosts * MODEL.postOverheadBytes) / GB : 0,
    publicIpv4Hours: resources.publicIpv4Addresses * HOURS_PER_MONTH,
    dynamoWrites: traffic.dynamoWrites,
    dynamoReads: traffic.dynamoReads,
    dynamoStorageGb:
      (load.users * load.connectionsPerUser * (2 + load.roomsPerUser) * MODEL.connectionItemBytes) /
      GB,
    logsIngestGb,
    logsStoredGb,
    alarms: resources.alarms,
    dashboards: resources.dashboards,
    customMetrics: resources.customMetrics,
    xrayTraces: traces,
    secrets: resources.secrets,
    secretsApiCalls,
    kmsKeys: resources.kmsKeys,
    kmsRequests: MODEL.kmsRequestsBase + secretsApiCalls,
    sqsRequests: traffic.sqsRequests + SQS_IDLE_POLLS,
    s3StorageGb: traffic.s3StoredBytes / GB,
    s3Puts: traffic.s3Puts,
    s3Gets: traffic.s3Gets,
    transferOutGb: (outboundBytes + traffic.s3DownloadBytes) / GB,
  };
  return { usage, traffic, resources };
}
