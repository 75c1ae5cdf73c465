/**
 * A month's usage priced: one line per meter (every one shown, zeros too), each with its
 * quantity in the price's unit, the unit price and the dollars; the total is their sum.
 */
import type { ProfileSettings } from '../lib/profiles.js';
import type { Load } from './load.js';
import {
  ALWAYS_FREE,
  AWS_PRICES,
  type AwsPriceName,
  isPricedInstanceClass,
  RDS_INSTANCE_CLASSES,
} from './prices.js';
import { type MonthlyUsage, usageOf } from './usage.js';

export interface LineItem {
  service: string;
  item: string;
  /** What this deployment's line is of (an instance class), when the item varies. */
  detail?: string;
  /** In the price's unit (e.g. millions of messages), after any free allowance. */
  quantity: number;
  unit: string;
  unitUsd: number;
  usd: number;
  price: AwsPriceName;
}

export interface Bill extends MonthlyUsage {
  lines: LineItem[];
  totalUsd: number;
  freeTier: boolean;
}

/** A cost model error a user can fix: the CLI prints its message and exits 2. */
export class CostModelError extends Error {
  override readonly name = 'CostModelError';
  constructor(
    readonly code: 'unpriced_instance_class' | 'bad_option',
    message: string,
  ) {
    super(message);
  }
}

export function billOf(
  load: Load,
  settings: ProfileSettings,
  { freeTier = false }: { freeTier?: boolean } = {},
): Bill {
  const instanceClass = settings.databaseInstanceType;
  if (!isPricedInstanceClass(instanceClass)) {
    throw new CostModelError(
      'unpriced_instance_class',
      `no price for RDS instance class ${instanceClass}: add it to RDS_INSTANCE_CLASSES in cost/prices.ts`,
    );
  }
  const monthly = usageOf(load, settings);
  const u = monthly.usage;
  const free = (allowance: number) => (freeTier ? allowance : 0);
  const lines: LineItem[] = [];
  /** `amount` in natural units, `per` of them to the price's unit, less `allowance`. */
  const line = (
    service: string,
    item: string,
    price: AwsPriceName,
    amount: number,
    per = 1,
    allowance = 0,
    detail?: string,
  ) => {
    const { usd, unit } = AWS_PRICES[price];
    const quantity = Math.max(0, amount - allowance) / per;
    lines.push({
      service,
      item,
      ...(detail ? { detail } : {}),
      quantity,
      unit,
      unitUsd: usd,
      usd: quantity * usd,
      price,
    });
  };
  const M = 1_000_000;

  const BILLION = 1_000_000_000;
  line(
    'API Gateway',
    'WebSocket messages, first billion',
    'apiGatewayMessages',
    Math.min(u.apiMessages, BILLION),
    M,
  );
  line(
    'API Gateway',
    'WebSocket messages, past a billion',
    'apiGatewayMessagesOverBillion',
    u.apiMessages,
    M,
    BILLION,
  );
  line('API Gateway', 'connection-minutes', 'apiGatewayConnectionMinutes', u.connectionMinutes, M);
  line(
    'Lambda',
    'requests',
    'lambdaRequests',
    u.lambdaRequests,
    M,
    free(ALWAYS_FREE.lambdaRequests),
  );
  // The free GB-seconds go to arm64 first (most of the duration).
  const freeGbs = free(ALWAYS_FREE.lambdaGbSeconds);
  line('Lambda', 'duration, arm64', 'lambdaArmGbSecond', u.lambdaArmGbSeconds, 1, freeGbs);
  line(
    'Lambda',
    'duration, x86_64',
    'lambdaX86GbSecond',
    u.lambdaX86GbSeconds,
    1,
    Math.max(0, freeGbs - u.lambdaArmGbSeconds),
  );
  const az = settings.databaseMultiAz ? 'Multi-AZ: primary + standby' : 'single-AZ';
  line(
    'RDS PostgreSQL',
    'instance-hours',
    RDS_INSTANCE_CLASSES[instanceClass].hourly,
    u.databaseInstanceHours,
    1,
    0,
    `db.${instanceClass}, ${az}`,
  );
  line('RDS PostgreSQL', 'gp3 storage', 'rdsGp3GbMonth', u.databaseStorageGbMonths, 1, 0, az);
  line(
    'RDS PostgreSQL',
    'backup storage beyond the free size',
    'rdsBackupGbMonth',
    u.databaseBackupGbMonths,
  );
  line('RDS Proxy', 'vCPU-hours', 'rdsProxyVcpuHour', u.proxyVcpuHours);
  line('ElastiCache Valkey', 'data stored (100 MB minimum)', 'valkeyGbHour', u.cacheGbHours);
  line('ElastiCache Valkey', 'ECPUs', 'valkeyMillionEcpu', u.cacheEcpus, M);
  line('VPC', 'NAT gateway-hours', 'natGatewayHour', u.natGatewayHours);
  line('VPC', 'NAT data processed', 'natGatewayGb', u.natGb);
  line('VPC', 'public IPv4 address-hours', 'publicIpv4Hour', u.publicIpv4Hours);
  line('DynamoDB', 'write request units', 'dynamoWriteMillion', u.dynamoWrites, M);
  line('DynamoDB', 'read request units', 'dynamoReadMillion', u.dynamoReads, M);
  line(
    'DynamoDB',
    'storage',
    'dynamoStorageGbMonth',
    u.dynamoStorageGb,
    1,
    free(ALWAYS_FREE.dynamoStorageGb),
  );
  line('DynamoDB', 'point-in-time recovery', 'dynamoPitrGbMonth', u.dynamoStorageGb);
  line('CloudWatch', 'logs ingested', 'logsIngestGb', u.logsIngestGb, 1, free(ALWAYS_FREE.logsGb));
  line('CloudWatch', 'logs stored', 'logsStorageGbMonth', u.logsStoredGb);
  line('CloudWatch', 'alarms', 'alarmMonth', u.alarms, 1, free(ALWAYS_FREE.alarms));
  line('CloudWatch', 'dashboards', 'dashboardMonth', u.dashboards, 1, free(ALWAYS_FREE.dashboards));
  line('CloudWatch', 'custom metrics', 'customMetricMonth', u.customMetrics);
  line(
    'X-Ray',
    'traces recorded',
    'xrayTracesMillion',
    u.xrayTraces,
    M,
    free(ALWAYS_FREE.xrayTraces),
  );
  line('Secrets Manager', 'secrets', 'secretMonth', u.secrets);
  line('Secrets Manager', 'API calls', 'secretsApiTenThousand', u.secretsApiCalls, 10_000);
  line('KMS', 'customer managed keys', 'kmsKeyMonth', u.kmsKeys);
  line(
    'KMS',
    'requests',
    'kmsRequestsTenThousand',
    u.kmsRequests,
    10_000,
    free(ALWAYS_FREE.kmsRequests),
  );
  line('SQS', 'requests', 'sqsRequestsMillion', u.sqsRequests, M, free(ALWAYS_FREE.sqsRequests));
  line('S3', 'storage', 's3StorageGbMonth', u.s3StorageGb);
  line('S3', 'PUT requests', 's3PutThousand', u.s3Puts, 1000);
  line('S3', 'GET requests', 's3GetThousand', u.s3Gets, 1000);
  line(
    'Data transfer',
    'out to the internet',
    'transferOutGb',
    u.transferOutGb,
    1,
    free(ALWAYS_FREE.transferOutGb),
  );

  const totalUsd = lines.reduce((sum, l) => sum + l.usd, 0);
  return { ...monthly, lines, totalUsd, freeTier };
}
