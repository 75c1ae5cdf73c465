/**
 * What fits a budget: the largest number of users online a profile serves under a monthly
 * sum, at a fixed rate of messages per user. The seed plan's "small deployment under $50"
 * is a load, not a profile, so docs/cost.md answers it as one.
 */
import type { ProfileSettings } from '../lib/profiles.js';
import { billOf } from './bill.js';
import { type Load, loadOf } from './load.js';

export interface BudgetQuestion {
  budgetUsd: number;
  settings: ProfileSettings;
  /** Messages each user online sends a day (the small case: 100). */
  messagesPerUserDay: number;
  roomSize: number;
  /** Changes to the default behaviour (typing off, say). */
  behaviour?: Partial<Load>;
  freeTier?: boolean;
}

function totalFor(users: number, q: BudgetQuestion): number {
  const load = loadOf(users, users * q.messagesPerUserDay, q.roomSize, q.behaviour);
  return billOf(load, q.settings, { freeTier: q.freeTier ?? false }).totalUsd;
}

/**
 * The most users online (a whole number, at least the room size) whose month costs at most
 * `budgetUsd`, or 0 when even a room's worth does not. The bill only grows with users, so a
 * binary search finds it.
 */
export function largestUnder(q: BudgetQuestion): number {
  let low = q.roomSize;
  if (totalFor(low, q) > q.budgetUsd) return 0;
  let high = low;
  while (totalFor(high, q) <= q.budgetUsd) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (totalFor(mid, q) <= q.budgetUsd) low = mid;
    else high = mid;
  }
  return low;
}
