import { describe, expect, it } from 'vitest';
import { billOf } from '../../cost/bill.js';
import { largestUnder } from '../../cost/budget.js';
import { loadOf } from '../../cost/load.js';
import { BUILT_IN_PROFILES } from '../../lib/profiles.js';

const question = {
  budgetUsd: 50,
  settings: BUILT_IN_PROFILES.lean,
  messagesPerUserDay: 100,
  roomSize: 10,
};
const total = (users: number) =>
  billOf(loadOf(users, users * 100, 10), BUILT_IN_PROFILES.lean).totalUsd;

describe('the largest load under a budget', () => {
  it('fits the budget, and one more user would not', () => {
    const users = largestUnder(question);
    expect(users).toBeGreaterThanOrEqual(10);
    expect(total(users)).toBeLessThanOrEqual(50);
    expect(total(users + 1)).toBeGreaterThan(50);
  });

  it('grows with the budget and shrinks with a dearer profile', () => {
    const lean = largestUnder(question);
    expect(largestUnder({ ...question, budgetUsd: 100 })).toBeGreaterThan(lean);
    expect(
      largestUnder({ ...question, budgetUsd: 150, settings: BUILT_IN_PROFILES.ha }),
    ).toBeLessThan(largestUnder({ ...question, budgetUsd: 150 }));
  });

  it('is 0 when the profile standing still costs more than the budget', () => {
    expect(largestUnder({ ...question, settings: BUILT_IN_PROFILES.ha })).toBe(0);
  });
});
