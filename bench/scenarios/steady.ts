/**
 * Steady load: 1,000 clients in 100 rooms of 10, 1,000 messages/s for 60 s (quick: 100 clients,
 * 10 rooms, 100 msg/s, 5 s). Latency from the scheduled send to the ack and to every other
 * member, throughput, and whether anything was lost or duplicated.
 */
import { eachSystem, type PerSystem, row } from '../compare.js';
import {
  closePopulation,
  connectPopulation,
  type LoadResult,
  runLoad,
  summarize,
} from '../load.js';
import type { LatencySeries, Scenario } from '../scenario.js';
import { SYSTEM_LABELS, type SystemName } from '../servers.js';
import { countRows, errorNotes, latencyRows, resourceRows } from './load-rows.js';

interface SteadyRun {
  load: LoadResult;
  connectRate: number;
  connected: number;
}

export const steady: Scenario = async (ctx) => {
  const size = ctx.quick
    ? { clients: 100, rooms: 10, rate: 50, seconds: 5 }
    : { clients: 1_000, rooms: 100, rate: 1_000, seconds: 60 };
  const roomSize = size.clients / size.rooms;
  const log = (m: string) => ctx.log(`steady: ${m}`);
  log(
    `${size.clients} clients, ${size.rooms} rooms of ${roomSize}, ${size.rate} msg/s for ${size.seconds} s`,
  );

  const { results, notes } = await eachSystem(ctx, 'steady', async (system, driver, tag) => {
    const pop = await connectPopulation(driver, { ...size, tag, log });
    try {
      if (pop.connected < size.clients) {
        throw new Error(`only ${pop.connected}/${size.clients} clients connected`);
      }
      const load = await runLoad(pop, {
        rate: size.rate,
        durationMs: size.seconds * 1000,
        drainMs: ctx.quick ? 5_000 : 15_000,
        tag,
        serverCpu: system.cpuSeconds,
        log,
      });
      log(`${system.label}: ${summarize(load)}`);
      return { load, connectRate: pop.connectRate, connected: pop.connected };
    } finally {
      await closePopulation(pop);
    }
  });

  const loads: PerSystem<LoadResult> = {};
  for (const [name, r] of Object.entries(results) as [SystemName, SteadyRun][])
    loads[name] = r.load;
  const series: LatencySeries[] = (Object.entries(loads) as [SystemName, LoadResult][]).map(
    ([name, r]) => ({ label: SYSTEM_LABELS[name], percentiles: r.delivery }),
  );

  return {
    name: 'steady',
    title: `Steady load: ${size.clients} clients, ${size.rooms} rooms of ${roomSize}, ${size.rate} msg/s for ${size.seconds} s`,
    rows: [
      row(
        'clients connected',
        'count',
        {
          parley: results.parley?.connected,
          peer: results.peer?.connected,
        },
        { noRatio: true },
      ),
      row('connect rate', 'conn/s', {
        parley: results.parley?.connectRate,
        peer: results.peer?.connectRate,
      }),
      ...latencyRows(loads),
      ...countRows(loads, size.rate * (roomSize - 1)),
      ...resourceRows(loads),
    ],
    series,
    notes: [
      ...notes,
      'Latencies are measured from the scheduled send time (open loop, fixed interval), so a stall is charged to every message queued behind it.',
      `Each system runs alone on the machine (${SYSTEM_LABELS.parley} first, then the ${SYSTEM_LABELS.peer}); PostgreSQL and Redis are shared and run on the same cores.`,
      ...errorNotes(loads),
    ],
  };
};

export default steady;
