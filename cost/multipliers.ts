/**
 * How presence, typing and read receipts multiply API Gateway messages: for each feature,
 * the messages (in and out) per message sent, with Parley's limits and as if it had none,
 * for the same load.
 */
import { DAYS_PER_MONTH } from './assumptions.js';
import type { Load } from './load.js';
import { FEATURES, type Feature, featureMessages, trafficOf } from './traffic.js';

export interface Multiplier {
  feature: Feature;
  /** API Gateway messages per message sent, with Parley's limits. */
  withLimits: number;
  /** The same without them. */
  withoutLimits: number;
}

export function multipliersOf(load: Load): Multiplier[] {
  const messages = load.messagesPerDay * DAYS_PER_MONTH;
  const limited = trafficOf(load, { limits: true });
  const unlimited = trafficOf(load, { limits: false });
  // With nothing sent there is nothing to divide by: every multiplier is 0.
  const per = (n: number) => (messages > 0 ? n / messages : 0);
  return FEATURES.map((feature) => ({
    feature,
    withLimits: per(featureMessages(limited, feature)),
    withoutLimits: per(featureMessages(unlimited, feature)),
  }));
}
