/**
 * The billed resources the stack creates, counted from the same sources the stack reads
 * (the route table, the profile's settings) plus the constructs' fixed parts. A CDK test
 * holds these counts to the synthesized template, so the bill cannot drift from the stack.
 */
import { ROUTE_ENTRIES } from '../functions/route-table.js';
import type { ProfileSettings } from '../lib/profiles.js';
import { isPricedInstanceClass, RDS_INSTANCE_CLASSES } from './prices.js';

export interface StackOptions {
  /** `hs256` makes a signing secret; `jwks` reads an issuer's keys instead. */
  jwtMode: 'hs256' | 'jwks';
}

export interface StackResources {
  /** ParleyFunction instances: every function of Parley's own code. */
  parleyFunctions: number;
  /** Functions with an errors and a throttles alarm of their own, where the profile has them. */
  alarmedFunctions: number;
  /** AWS::CloudWatch::Alarm: the functions', API, database, cache and fan-out queue alarms. */
  alarms: number;
  dashboards: number;
  /** AWS::SecretsManager::Secret. */
  secrets: number;
  /** Customer managed AWS::KMS::Key (the alarm topic's, the cache's). */
  kmsKeys: number;
  natGateways: number;
  /** Public IPv4 addresses: one Elastic IP per NAT gateway. */
  publicIpv4Addresses: number;
  /** Instances billed: the primary, and a standby with Multi-AZ. */
  databaseInstances: number;
  /** RDS Proxy's billed vCPUs: the instance's, at least 2; 0 without a proxy. */
  proxyVcpus: number;
  /** Custom metrics the stack emits (none: alarms use AWS's own metrics). */
  customMetrics: number;
}

/** Functions besides the routes': authorizer, schema migration, fan-out worker, purge, erasure, thumbnails. */
const NON_ROUTE_ALARMED_FUNCTIONS = 6;
/** The API Gateway account role's setter (lib/api-gateway-logging.ts): a function, no alarms. */
const UNALARMED_PARLEY_FUNCTIONS = 1;
/** API integration, execution and client errors; database CPU, storage, connections; cache throttling, ECPUs, data. */
const SERVICE_ALARMS = 9;
/** The fan-out queue's dead letters and backlog (lib/fanout.ts). */
const QUEUE_ALARMS = 2;
/** The database's, the cache user's and the cache's disabled default user's. */
const STORE_SECRETS = 3;
const CUSTOMER_KEYS = 2;

/** One function per distinct entry of the route table (lib/parley-stack.ts). */
export function routeFunctionCount(): number {
  return new Set(Object.values(ROUTE_ENTRIES)).size;
}

export function proxyVcpusOf(settings: ProfileSettings): number {
  if (!settings.databaseProxy) return 0;
  const vcpus = isPricedInstanceClass(settings.databaseInstanceType)
    ? RDS_INSTANCE_CLASSES[settings.databaseInstanceType].vcpus
    : 2;
  return Math.max(2, vcpus);
}

/** The billed resources of a stack deployed with `settings`. */
export function stackResources(
  settings: ProfileSettings,
  options: StackOptions = { jwtMode: 'hs256' },
): StackResources {
  const alarmedFunctions = routeFunctionCount() + NON_ROUTE_ALARMED_FUNCTIONS;
  return {
    parleyFunctions: alarmedFunctions + UNALARMED_PARLEY_FUNCTIONS,
    alarmedFunctions,
    // Per function, or one errors and one throttles alarm for them all (lib/alarms.ts).
    alarms: 2 * (settings.alarmsPerFunction ? alarmedFunctions : 1) + SERVICE_ALARMS + QUEUE_ALARMS,
    dashboards: 1,
    secrets: STORE_SECRETS + (options.jwtMode === 'hs256' ? 1 : 0),
    kmsKeys: CUSTOMER_KEYS,
    natGateways: settings.natGateways,
    publicIpv4Addresses: settings.natGateways,
    databaseInstances: settings.databaseMultiAz ? 2 : 1,
    proxyVcpus: proxyVcpusOf(settings),
    customMetrics: 0,
  };
}
