/**
 * The list prices the cost model uses: us-east-1, on demand, in USD, read on 2026-12-07.
 * Each names the page it is published on. `verified` says whether the figure was seen in
 * the searchable copies of that page (or a copy quoting it) on that day; `false` marks the
 * best known list price, which nobody here could confirm offline: check it before you
 * quote the bill. Change a price here, never in the model or the figures.
 */

export interface Price {
  /** USD per `unit`. */
  usd: number;
  unit: string;
  source: string;
  verified: boolean;
  note?: string;
}

export const PRICES_REGION = 'us-east-1';
export const PRICES_READ_ON = '2026-12-07';

const APIGW = 'https://aws.amazon.com/api-gateway/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const RDS = 'https://aws.amazon.com/rds/postgresql/pricing/';
const RDS_PROXY = 'https://aws.amazon.com/rds/proxy/pricing/';
const ELASTICACHE = 'https://aws.amazon.com/elasticache/pricing/';
const VPC = 'https://aws.amazon.com/vpc/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const XRAY = 'https://aws.amazon.com/xray/pricing/';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const EC2_TRANSFER = 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer';
const APPSYNC = 'https://aws.amazon.com/appsync/pricing/';
const ABLY = 'https://ably.com/docs/platform/pricing/resource-based';
const PUSHER = 'https://pusher.com/channels/pricing';

const UNCONFIRMED = 'best known list price; not confirmed offline on the read date';

/** Every AWS price the bill uses, by name. */
export const AWS_PRICES = {
  apiGatewayMessages: {
    usd: 1.0,
    unit: 'million WebSocket messages (32 KB units, first billion a month)',
    source: APIGW,
    verified: false,
    note: 'the 32 KB metering (a 33 KB message bills as 2) was seen on the page; the $1.00 was not, offline',
  },
  apiGatewayMessagesOverBillion: {
    usd: 0.8,
    unit: 'million WebSocket messages past the first billion a month',
    source: APIGW,
    verified: false,
    note: UNCONFIRMED,
  },
  apiGatewayConnectionMinutes: {
    usd: 0.25,
    unit: 'million connection-minutes',
    source: APIGW,
    verified: true,
    note: 'quoted from the page in repost.aws QU7IqgooGeQmqudOsmzTw5YQ',
  },
  lambdaRequests: {
    usd: 0.2,
    unit: 'million requests',
    source: LAMBDA,
    verified: true,
    note: 'confirmed in cloudchipr.com, AWS Lambda pricing (us-east-1 tiers)',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (arm64, first 7.5 billion a month)',
    source: LAMBDA,
    verified: true,
    note: 'as requests',
  },
  lambdaX86GbSecond: {
    usd: 0.0000166667,
    unit: 'GB-second (x86_64, first 6 billion a month: the thumbnail worker)',
    source: LAMBDA,
    verified: true,
    note: 'as requests',
  },
  rdsT4gMicroHour: {
    usd: 0.016,
    unit: 'instance-hour, db.t4g.micro, PostgreSQL',
    source: RDS,
    verified: true,
    note: 'per instance; Multi-AZ bills the standby too (2 instances). Confirmed in infratally.com, RDS pricing 2026',
  },
  rdsT4gSmallHour: {
    usd: 0.032,
    unit: 'instance-hour, db.t4g.small, PostgreSQL',
    source: RDS,
    verified: true,
    note: 'as db.t4g.micro',
  },
  rdsT4gMediumHour: {
    usd: 0.065,
    unit: 'instance-hour, db.t4g.medium, PostgreSQL',
    source: RDS,
    verified: true,
    note: 'as db.t4g.micro',
  },
  rdsGp3GbMonth: {
    usd: 0.115,
    unit: 'GB-month of gp3 storage, per copy (Multi-AZ stores 2)',
    source: RDS,
    verified: true,
    note: '3,000 IOPS and 125 MB/s included',
  },
  rdsBackupGbMonth: {
    usd: 0.095,
    unit: 'GB-month of backup storage beyond 100% of the provisioned storage',
    source: RDS,
    verified: true,
  },
  rdsProxyVcpuHour: {
    usd: 0.015,
    unit: 'vCPU-hour of the instance behind the proxy (at least 2 vCPUs)',
    source: RDS_PROXY,
    verified: false,
    note: UNCONFIRMED,
  },
  valkeyGbHour: {
    usd: 0.084,
    unit: 'GB-hour of data stored, ElastiCache Serverless for Valkey (at least 100 MB metered)',
    source: ELASTICACHE,
    verified: true,
    note: 'confirmed in usage.ai, ElastiCache Serverless pricing (June 2026); Valkey meters at least 100 MB',
  },
  valkeyMillionEcpu: {
    usd: 0.0023,
    unit: 'million ECPUs, ElastiCache Serverless for Valkey',
    source: ELASTICACHE,
    verified: true,
    note: 'as the GB-hour; 1 ECPU is a simple command moving up to 1 KB',
  },
  natGatewayHour: {
    usd: 0.045,
    unit: 'NAT gateway-hour',
    source: VPC,
    verified: false,
    note: UNCONFIRMED,
  },
  natGatewayGb: {
    usd: 0.045,
    unit: 'GB processed by a NAT gateway',
    source: VPC,
    verified: false,
    note: UNCONFIRMED,
  },
  publicIpv4Hour: {
    usd: 0.005,
    unit: 'public IPv4 address-hour (each NAT gateway holds one)',
    source: VPC,
    verified: false,
    note: UNCONFIRMED,
  },
  dynamoWriteMillion: {
    usd: 0.625,
    unit: 'million write request units, on demand',
    source: DYNAMODB,
    verified: true,
    note: 'after the November 2024 halving; confirmed in airbyte.com, DynamoDB pricing',
  },
  dynamoReadMillion: {
    usd: 0.125,
    unit: 'million read request units, on demand',
    source: DYNAMODB,
    verified: true,
    note: 'as writes',
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    unit: 'GB-month of table storage (first 25 GB always free)',
    source: DYNAMODB,
    verified: false,
    note: UNCONFIRMED,
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    unit: 'GB-month of point-in-time recovery (continuous backups)',
    source: DYNAMODB,
    verified: false,
    note: UNCONFIRMED,
  },
  logsIngestGb: {
    usd: 0.5,
    unit: 'GB of CloudWatch Logs ingested (standard class)',
    source: CLOUDWATCH,
    verified: false,
    note: UNCONFIRMED,
  },
  logsStorageGbMonth: {
    usd: 0.03,
    unit: 'GB-month of CloudWatch Logs stored (compressed)',
    source: CLOUDWATCH,
    verified: false,
    note: UNCONFIRMED,
  },
  alarmMonth: {
    usd: 0.1,
    unit: 'standard-resolution alarm-month',
    source: CLOUDWATCH,
    verified: false,
    note: UNCONFIRMED,
  },
  dashboardMonth: {
    usd: 3.0,
    unit: 'dashboard-month',
    source: CLOUDWATCH,
    verified: false,
    note: UNCONFIRMED,
  },
  customMetricMonth: {
    usd: 0.3,
    unit: 'custom metric-month (first 10,000)',
    source: CLOUDWATCH,
    verified: false,
    note: `${UNCONFIRMED}; the stack emits none today`,
  },
  xrayTracesMillion: {
    usd: 5.0,
    unit: 'million traces recorded',
    source: XRAY,
    verified: false,
    note: UNCONFIRMED,
  },
  secretMonth: {
    usd: 0.4,
    unit: 'secret-month',
    source: SECRETS,
    verified: false,
    note: UNCONFIRMED,
  },
  secretsApiTenThousand: {
    usd: 0.05,
    unit: '10,000 Secrets Manager API calls',
    source: SECRETS,
    verified: false,
    note: UNCONFIRMED,
  },
  kmsKeyMonth: {
    usd: 1.0,
    unit: 'customer managed KMS key-month',
    source: KMS,
    verified: false,
    note: UNCONFIRMED,
  },
  kmsRequestsTenThousand: {
    usd: 0.03,
    unit: '10,000 KMS requests (first 20,000 a month always free)',
    source: KMS,
    verified: false,
    note: UNCONFIRMED,
  },
  sqsRequestsMillion: {
    usd: 0.4,
    unit: 'million SQS standard requests (64 KB chunks)',
    source: SQS,
    verified: false,
    note: UNCONFIRMED,
  },
  s3StorageGbMonth: {
    usd: 0.023,
    unit: 'GB-month of S3 Standard (first 50 TB)',
    source: S3,
    verified: false,
    note: UNCONFIRMED,
  },
  s3PutThousand: {
    usd: 0.005,
    unit: '1,000 S3 PUT, COPY, POST or LIST requests',
    source: S3,
    verified: false,
    note: UNCONFIRMED,
  },
  s3GetThousand: {
    usd: 0.0004,
    unit: '1,000 S3 GET requests',
    source: S3,
    verified: false,
    note: UNCONFIRMED,
  },
  transferOutGb: {
    usd: 0.09,
    unit: 'GB out to the internet (first 10 TB a month; the first 100 GB always free)',
    source: EC2_TRANSFER,
    verified: false,
    note: `${UNCONFIRMED}; the figure bench/compact-bytes.ts already uses`,
  },
} as const satisfies Record<string, Price>;

export type AwsPriceName = keyof typeof AWS_PRICES;

/** The RDS instance classes the profiles name, and their vCPUs (RDS Proxy bills by them). */
export const RDS_INSTANCE_CLASSES = {
  't4g.micro': { hourly: 'rdsT4gMicroHour', vcpus: 2 },
  't4g.small': { hourly: 'rdsT4gSmallHour', vcpus: 2 },
  't4g.medium': { hourly: 'rdsT4gMediumHour', vcpus: 2 },
} as const satisfies Record<string, { hourly: AwsPriceName; vcpus: number }>;

export type RdsInstanceClass = keyof typeof RDS_INSTANCE_CLASSES;

export function isPricedInstanceClass(name: string): name is RdsInstanceClass {
  return Object.hasOwn(RDS_INSTANCE_CLASSES, name);
}

/** AWS's always-free allowances a month (not the 12-month offers or the credits). */
export const ALWAYS_FREE = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  dynamoStorageGb: 25,
  xrayTraces: 100_000,
  alarms: 10,
  dashboards: 3,
  logsGb: 5,
  kmsRequests: 20_000,
  sqsRequests: 1_000_000,
  transferOutGb: 100,
} as const;

/** The services Parley is compared with, for the same load. */
export const COMPARISON_PRICES = {
  ablyStandardMonth: {
    usd: 29,
    unit: 'Standard package a month (per-minute pricing)',
    source: ABLY,
    verified: true,
    note: 'Ably now prices new accounts on monthly active users; per-minute pricing is for accounts that signed up before',
  },
  ablyMessagesMillion: {
    usd: 2.5,
    unit: 'million messages (a publish and each delivery count one)',
    source: ABLY,
    verified: false,
    note: `${UNCONFIRMED}; volume discounts not modelled`,
  },
  ablyConnectionMinutesMillion: {
    usd: 1.0,
    unit: 'million connection-minutes',
    source: ABLY,
    verified: false,
    note: UNCONFIRMED,
  },
  ablyChannelMinutesMillion: {
    usd: 1.0,
    unit: 'million channel-minutes',
    source: ABLY,
    verified: false,
    note: UNCONFIRMED,
  },
  appsyncEventOperationsMillion: {
    usd: 1.0,
    unit: 'million Event API operations (5 KB units: publishes, deliveries, connects, subscribes)',
    source: APPSYNC,
    verified: true,
    note: "AWS's price list: $1 per million Event API operations (eu-west-1 row seen; us-east-1 the same list price)",
  },
  appsyncConnectionMinutesMillion: {
    usd: 0.08,
    unit: 'million connection-minutes',
    source: APPSYNC,
    verified: false,
    note: UNCONFIRMED,
  },
} as const satisfies Record<string, Price>;

/** A Pusher Channels plan: a monthly price for peak connections and messages a day. */
export interface PusherPlan {
  name: string;
  usdPerMonth: number;
  connections: number;
  messagesPerDay: number;
}

/** Pusher Channels' self-serve plans; beyond the last, a custom (enterprise) price. */
export const PUSHER_PLANS: {
  source: string;
  verified: boolean;
  note: string;
  plans: PusherPlan[];
} = {
  source: PUSHER,
  verified: false,
  note: `${UNCONFIRMED}; messages count once per client they are delivered to`,
  plans: [
    { name: 'Sandbox', usdPerMonth: 0, connections: 100, messagesPerDay: 200_000 },
    { name: 'Startup', usdPerMonth: 49, connections: 500, messagesPerDay: 1_000_000 },
    { name: 'Pro', usdPerMonth: 99, connections: 2_000, messagesPerDay: 4_000_000 },
    { name: 'Business', usdPerMonth: 299, connections: 5_000, messagesPerDay: 10_000_000 },
    { name: 'Premium', usdPerMonth: 499, connections: 10_000, messagesPerDay: 20_000_000 },
    { name: 'Growth Plus', usdPerMonth: 699, connections: 15_000, messagesPerDay: 50_000_000 },
  ],
};
