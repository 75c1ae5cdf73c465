/**
 * What the same load's real-time traffic would cost on Ably, Pusher Channels and AWS
 * AppSync Events, beside what it costs Parley on API Gateway. Each of them replaces the
 * WebSocket layer only (API Gateway's messages and connection-minutes): history, read
 * state and the record still need Parley's stores and functions. Each counts what it
 * bills: publishes and deliveries of messages, typing, receipts and presence; the replies
 * Parley sends its caller (acks, pongs, pages) have no billed counterpart there.
 */
import { DAYS_PER_MONTH } from './assumptions.js';
import type { Bill } from './bill.js';
import { type Load, roomCount } from './load.js';
import { COMPARISON_PRICES, PUSHER_PLANS } from './prices.js';
import type { Feature, Traffic } from './traffic.js';

export interface Comparison {
  service: string;
  /** Undefined when the load is past every listed plan (a custom price). */
  usd: number | undefined;
  detail: string;
}

/** The features a pub/sub service carries; sessions' and heartbeats' frames are replies. */
const PUBSUB_FEATURES: readonly Feature[] = ['messages', 'typing', 'reads', 'presence'];

export interface PubSubCounts {
  publishes: number;
  deliveries: number;
}

export function pubSubCounts(traffic: Traffic): PubSubCounts {
  let publishes = 0;
  let deliveries = 0;
  for (const feature of PUBSUB_FEATURES) {
    publishes += traffic.inbound[feature].count;
    deliveries += traffic.outbound[feature].count - traffic.replies[feature];
  }
  return { publishes, deliveries };
}

const M = 1_000_000;
const fmt = (n: number) => (n / M).toFixed(1);

export function ablyOf(load: Load, traffic: Traffic): Comparison {
  const p = COMPARISON_PRICES;
  const { publishes, deliveries } = pubSubCounts(traffic);
  const messages = publishes + deliveries;
  // A room's channel is attached all month: its members are online all month.
  const channelMinutes =
    roomCount(load) * (traffic.connectionMinutes / (load.users * load.connectionsPerUser));
  const usd =
    p.ablyStandardMonth.usd +
    (messages / M) * p.ablyMessagesMillion.usd +
    (traffic.connectionMinutes / M) * p.ablyConnectionMinutesMillion.usd +
    (channelMinutes / M) * p.ablyChannelMinutesMillion.usd;
  return {
    service: 'Ably (Standard, per-minute)',
    usd,
    detail: `$29 + ${fmt(messages)} M messages + ${fmt(traffic.connectionMinutes)} M connection-min + ${fmt(channelMinutes)} M channel-min`,
  };
}

export function pusherOf(load: Load, traffic: Traffic): Comparison {
  const { deliveries } = pubSubCounts(traffic);
  const perDay = deliveries / DAYS_PER_MONTH;
  const connections = load.users * load.connectionsPerUser;
  const plan = PUSHER_PLANS.plans.find(
    (p) => p.connections >= connections && p.messagesPerDay >= perDay,
  );
  const need = `${connections.toLocaleString('en-US')} connections, ${fmt(perDay)} M messages/day`;
  return plan
    ? { service: 'Pusher Channels', usd: plan.usdPerMonth, detail: `${plan.name} plan (${need})` }
    : {
        service: 'Pusher Channels',
        usd: undefined,
        detail: `past the listed plans: custom price (${need})`,
      };
}

export function appSyncEventsOf(traffic: Traffic): Comparison {
  const p = COMPARISON_PRICES;
  const { publishes, deliveries } = pubSubCounts(traffic);
  // Every frame is under 5 KB; connects and channel subscriptions are operations too.
  const subscribes = traffic.inbound.sessions.count;
  const operations = publishes + deliveries + traffic.sessions + subscribes;
  const usd =
    (operations / M) * p.appsyncEventOperationsMillion.usd +
    (traffic.connectionMinutes / M) * p.appsyncConnectionMinutesMillion.usd;
  return {
    service: 'AWS AppSync Events',
    usd,
    detail: `${fmt(operations)} M operations + ${fmt(traffic.connectionMinutes)} M connection-min`,
  };
}

/** Parley's own real-time part: API Gateway's two lines. */
export function apiGatewayUsd(bill: Bill): number {
  return bill.lines.filter((l) => l.service === 'API Gateway').reduce((s, l) => s + l.usd, 0);
}

export function comparisonsOf(load: Load, bill: Bill): Comparison[] {
  const t = bill.traffic;
  return [
    {
      service: 'Parley: API Gateway alone',
      usd: apiGatewayUsd(bill),
      detail: `${fmt(bill.usage.apiMessages)} M messages + ${fmt(t.connectionMinutes)} M connection-min`,
    },
    ablyOf(load, t),
    pusherOf(load, t),
    appSyncEventsOf(t),
  ];
}
