/** The resources the bill counts follow the route table and the profile's settings. */
import { describe, expect, it } from 'vitest';
import { proxyVcpusOf, routeFunctionCount, stackResources } from '../../cost/stack-resources.js';
import { ROUTE_ENTRIES } from '../../functions/route-table.js';
import { BUILT_IN_PROFILES } from '../../lib/profiles.js';

describe('stackResources', () => {
  it('has one function per route entry and the six others, each with two alarms', () => {
    const r = stackResources(BUILT_IN_PROFILES.standard);
    expect(routeFunctionCount()).toBe(new Set(Object.values(ROUTE_ENTRIES)).size);
    expect(r.alarmedFunctions).toBe(routeFunctionCount() + 6);
    expect(r.parleyFunctions).toBe(r.alarmedFunctions + 1);
    expect(r.alarms).toBe(2 * r.alarmedFunctions + 9 + 2);
  });

  it('has two function alarms for all of them where the profile has none per function', () => {
    expect(stackResources(BUILT_IN_PROFILES.lean).alarms).toBe(2 + 9 + 2);
  });

  it('takes NAT gateways, IPv4 addresses, instances and proxy vCPUs from the profile', () => {
    expect(stackResources(BUILT_IN_PROFILES.lean)).toMatchObject({
      natGateways: 0,
      publicIpv4Addresses: 0,
      databaseInstances: 1,
      proxyVcpus: 0,
    });
    expect(stackResources(BUILT_IN_PROFILES.standard)).toMatchObject({
      natGateways: 1,
      publicIpv4Addresses: 1,
      databaseInstances: 2,
      proxyVcpus: 2,
    });
    expect(stackResources(BUILT_IN_PROFILES.ha)).toMatchObject({
      natGateways: 2,
      publicIpv4Addresses: 2,
      databaseInstances: 2,
      proxyVcpus: 2,
    });
  });

  it('has no JWT secret when tokens are verified against an issuer', () => {
    const settings = BUILT_IN_PROFILES.lean;
    expect(stackResources(settings, { jwtMode: 'hs256' }).secrets).toBe(4);
    expect(stackResources(settings, { jwtMode: 'jwks' }).secrets).toBe(3);
  });
});

describe('proxyVcpusOf', () => {
  it('bills a proxy for 2 vCPUs at least, whatever the class', () => {
    const lean = BUILT_IN_PROFILES.lean;
    expect(proxyVcpusOf({ ...lean, databaseProxy: true })).toBe(2);
    expect(proxyVcpusOf({ ...lean, databaseProxy: true, databaseInstanceType: 'x.unknown' })).toBe(
      2,
    );
    expect(proxyVcpusOf({ ...lean, databaseProxy: false })).toBe(0);
  });
});
