/**
 * The bill: prices times usage, the profile's settings deciding the fixed lines, every
 * line adding up to the total.
 */
import { describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../../cost/assumptions.js';
import { billOf, CostModelError, type LineItem } from '../../cost/bill.js';
import { CASES } from '../../cost/cases.js';
import { loadOf } from '../../cost/load.js';
import { AWS_PRICES } from '../../cost/prices.js';
import { BUILT_IN_PROFILES, type ProfileSettings } from '../../lib/profiles.js';

const lean = BUILT_IN_PROFILES.lean;
const load = CASES[0]!.load;

function line(lines: LineItem[], service: string, item: string): LineItem {
  const found = lines.find((l) => l.service === service && l.item === item);
  if (!found) throw new Error(`no line ${service}: ${item}`);
  return found;
}

describe('billOf', () => {
  it('adds every line up to the total', () => {
    for (const settings of Object.values(BUILT_IN_PROFILES)) {
      const bill = billOf(load, settings);
      const sum = bill.lines.reduce((s, l) => s + l.usd, 0);
      expect(bill.totalUsd).toBeCloseTo(sum, 9);
      for (const l of bill.lines) expect(l.usd).toBeCloseTo(l.quantity * l.unitUsd, 9);
    }
  });

  it('bills Multi-AZ twice: the standby instance and its storage', () => {
    const single: ProfileSettings = { ...lean, databaseMultiAz: false };
    const multi: ProfileSettings = { ...lean, databaseMultiAz: true };
    const a = billOf(load, single).lines;
    const b = billOf(load, multi).lines;
    expect(line(a, 'RDS PostgreSQL', 'instance-hours').quantity).toBe(HOURS_PER_MONTH);
    expect(line(b, 'RDS PostgreSQL', 'instance-hours').usd).toBeCloseTo(
      2 * line(a, 'RDS PostgreSQL', 'instance-hours').usd,
      9,
    );
    expect(line(b, 'RDS PostgreSQL', 'gp3 storage').usd).toBeCloseTo(
      2 * line(a, 'RDS PostgreSQL', 'gp3 storage').usd,
      9,
    );
  });

  it('bills RDS Proxy for at least 2 vCPUs, and nothing without a proxy', () => {
    const proxied = billOf(load, { ...lean, databaseProxy: true }).lines;
    const proxy = line(proxied, 'RDS Proxy', 'vCPU-hours');
    expect(proxy.quantity).toBe(2 * HOURS_PER_MONTH);
    expect(proxy.usd).toBeCloseTo(2 * HOURS_PER_MONTH * AWS_PRICES.rdsProxyVcpuHour.usd, 9);
    const direct = billOf(load, { ...lean, databaseProxy: false }).lines;
    expect(line(direct, 'RDS Proxy', 'vCPU-hours').usd).toBe(0);
  });

  it('meters Valkey at 100 MB at least, however little is cached', () => {
    const tiny = billOf(loadOf(1, 0, 2), lean).lines;
    expect(line(tiny, 'ElastiCache Valkey', 'data stored (100 MB minimum)').quantity).toBeCloseTo(
      0.1 * HOURS_PER_MONTH,
      9,
    );
    const large = billOf(CASES[2]!.load, lean).lines;
    expect(
      line(large, 'ElastiCache Valkey', 'data stored (100 MB minimum)').quantity,
    ).toBeGreaterThanOrEqual(0.1 * HOURS_PER_MONTH);
  });

  it('bills NAT gateways and their IPv4 addresses from the profile, none for lean', () => {
    for (const settings of Object.values(BUILT_IN_PROFILES)) {
      const lines = billOf(load, settings).lines;
      expect(line(lines, 'VPC', 'NAT gateway-hours').quantity).toBe(
        settings.natGateways * HOURS_PER_MONTH,
      );
      expect(line(lines, 'VPC', 'public IPv4 address-hours').quantity).toBe(
        settings.natGateways * HOURS_PER_MONTH,
      );
      if (settings.natGateways === 0) expect(line(lines, 'VPC', 'NAT data processed').usd).toBe(0);
    }
  });

  it('follows a changed profile setting: a bigger instance costs more', () => {
    const micro = billOf(load, lean).totalUsd;
    const medium = billOf(load, { ...lean, databaseInstanceType: 't4g.medium' }).totalUsd;
    expect(medium).toBeGreaterThan(micro);
  });

  it('refuses an instance class it has no price for, with a code', () => {
    expect(() => billOf(load, { ...lean, databaseInstanceType: 'r6g.large' })).toThrow(
      CostModelError,
    );
  });

  it('applies the always-free allowances only when asked', () => {
    const paid = billOf(load, lean);
    const free = billOf(load, lean, { freeTier: true });
    expect(free.totalUsd).toBeLessThan(paid.totalUsd);
    expect(line(free.lines, 'Lambda', 'requests').quantity).toBeCloseTo(
      line(paid.lines, 'Lambda', 'requests').quantity - 1,
      9,
    );
  });

  it('prices messages past a billion at the lower tier', () => {
    const lines = billOf(CASES[2]!.load, lean).lines;
    const first = line(lines, 'API Gateway', 'WebSocket messages, first billion');
    const past = line(lines, 'API Gateway', 'WebSocket messages, past a billion');
    expect(first.quantity).toBe(1000);
    expect(past.quantity).toBeGreaterThan(0);
    expect(past.unitUsd).toBeLessThan(first.unitUsd);
  });
});

describe("the seed plan's promise", () => {
  it('keeps lean the cheapest profile for the small case', () => {
    const totals = Object.values(BUILT_IN_PROFILES).map((s) => billOf(load, s).totalUsd);
    expect(billOf(load, lean).totalUsd).toBe(Math.min(...totals));
  });

  it('keeps what lean costs before any traffic under $50 a month', () => {
    // One user, no messages: the database, cache, alarms, dashboard, secrets and keys.
    const idle = billOf(loadOf(1, 0, 2, { filesPerDay: 0 }), lean);
    expect(idle.totalUsd).toBeLessThan(50);
  });
});
