/**
 * Idle connections: hold 10,000, then 20,000 open connections on each system (quick: 500),
 * none in a room. The connect rate includes Parley's $connect (authorizer, DynamoDB write);
 * the memory is the server process's RSS growth per held connection. Sizes are capped to
 * fit the open-files limit, which both ends of every connection count against here.
 */
import { eachSystem, errorCount, errorText, fdLimit, mb, row } from '../compare.js';
import { closePopulation, connectPopulation, countError, type Population, sleep } from '../load.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { SYSTEM_LABELS, type SystemName } from '../servers.js';

interface Level {
  requested: number;
  held: number;
  connectRate: number;
  errors: Record<string, number>;
  rss: number | null;
  perConnectionBytes: number | null;
}

/** Open files kept free for everything else each process has open. */
const FD_HEADROOM = 1_000;

export const connections: Scenario = async (ctx) => {
  const requested = ctx.quick ? [500] : [10_000, 20_000];
  const cap = fdLimit() - FD_HEADROOM;
  const levels = requested.map((n) => Math.min(n, cap));
  const log = (m: string) => ctx.log(`connections: ${m}`);
  const capNote = levels.some((n, i) => n < (requested[i] ?? n))
    ? `Capped at ${cap.toLocaleString('en-US')} connections: the open-files limit here is ${fdLimit()} and could not be raised (\`ulimit -n 65536\`, or run as a user allowed to raise it).`
    : undefined;
  if (capNote) log(capNote);

  const { results, notes } = await eachSystem(ctx, 'connections', async (system, driver, tag) => {
    await sleep(1_000);
    await system.collectGarbage();
    const rss0 = system.rssBytes();
    const pops: Population[] = [];
    const out: Level[] = [];
    let held = 0;
    try {
      for (const [i, level] of levels.entries()) {
        const more = level - held;
        if (more <= 0) continue;
        const pop = await connectPopulation(driver, {
          clients: more,
          rooms: 1,
          join: false,
          concurrency: 200,
          tag: `${tag}-l${i}`,
          log: (m) => log(`${system.label}: ${m}`),
        });
        pops.push(pop);
        held += pop.connected;
        await sleep(ctx.quick ? 500 : 2_000);
        await system.collectGarbage();
        const rss = system.rssBytes();
        const errors = { ...pop.connectErrors };
        if (system.crashed()) countError(errors, new Error('server exited'));
        out.push({
          requested: level,
          held,
          connectRate: pop.connectRate,
          errors,
          rss,
          perConnectionBytes:
            rss !== null && rss0 !== null && held > 0 ? (rss - rss0) / held : null,
        });
        log(
          `${system.label}: holding ${held}, connected at ${pop.connectRate.toFixed(0)}/s, RSS ${mb(rss)?.toFixed(0)} MB${errorCount(errors) ? `, errors ${errorText(errors)}` : ''}`,
        );
        if (pop.connected < more) break;
      }
    } finally {
      for (const pop of pops) await closePopulation(pop);
    }
    return { rss0, levels: out };
  });

  const rows: ResultRow[] = [
    row('server RSS before connecting', 'MB', {
      parley: mb(results.parley?.rss0),
      peer: mb(results.peer?.rss0),
    }),
  ];
  for (const [i, level] of levels.entries()) {
    const at = (name: SystemName) => results[name]?.levels[i];
    const p = at('parley');
    const q = at('peer');
    const label = level.toLocaleString('en-US');
    rows.push(
      row(
        `connections held (of ${label})`,
        'count',
        { parley: p?.held, peer: q?.held },
        {
          target: `= ${label}`,
          check: (v) => v === level,
          noRatio: true,
        },
      ),
      row(
        `connect rate to ${label}`,
        'conn/s',
        { parley: p?.connectRate, peer: q?.connectRate },
        {
          // Not the issue's target (that is memory): API Gateway's default quota of new
          // connections per second, as a yardstick for the local gateway.
          target: '>= 500/s (API Gateway account default)',
          check: (v) => v >= 500,
        },
      ),
      row(
        `connect errors to ${label}`,
        'count',
        {
          parley: p ? errorCount(p.errors) : undefined,
          peer: q ? errorCount(q.errors) : undefined,
        },
        { target: '= 0', check: (v) => v === 0, noRatio: true },
      ),
      row(`server RSS at ${label}`, 'MB', { parley: mb(p?.rss), peer: mb(q?.rss) }),
      row(
        `server RSS per connection at ${label}`,
        'KB',
        {
          parley: p?.perConnectionBytes === null || !p ? undefined : p.perConnectionBytes / 1024,
          peer: q?.perConnectionBytes === null || !q ? undefined : q.perConnectionBytes / 1024,
        },
        {
          target: '<= peer',
          check: (v, peer) => peer === undefined || v <= peer,
        },
      ),
    );
  }
  const errorNotes: string[] = [];
  for (const name of ['parley', 'peer'] as SystemName[]) {
    for (const l of results[name]?.levels ?? []) {
      const text = errorText(l.errors);
      if (text)
        errorNotes.push(`${SYSTEM_LABELS[name]} connect errors to ${l.requested}: ${text}.`);
    }
  }
  return {
    name: 'connections',
    title: `Idle connections: ${levels.map((n) => n.toLocaleString('en-US')).join(' then ')} per system`,
    rows,
    notes: [
      ...notes,
      ...(capNote ? [capNote] : []),
      ...errorNotes,
      "RSS per connection is (RSS holding n - RSS before) / n for the whole server process, each read after a full garbage collection in that process (both systems alike: bench/gc-on-signal.ts). Parley's process holds the local gateway and the Lambda handlers; DynamoDB (dynalite) runs in a process of its own, as on AWS it is not in the gateway.",
      "Connections open 200 at a time; Parley's connect includes the authorizer and the $connect handler's DynamoDB write.",
    ],
  };
};

export default connections;
