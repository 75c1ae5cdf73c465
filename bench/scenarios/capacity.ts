/**
 * Fan-out and presence under AWS's limits: `npm run dev` with `PARLEY_AWS_LIMITS=1` (20 ms
 * per post, the account's 10,000 requests/s with a burst of 5,000, Lambda timeouts), as a
 * user starts it, measured against the bound the quota sets.
 *
 * - A room of 5,000 socket members (quick: 300), one message at a time: every member gets
 *   it, and the time to the last delivery against N / 10,000 s.
 * - Rooms of 50,000 and 100,000 virtual members (quick: 1,000), which the gateway
 *   counts without sockets: the same, and the posts per second reached.
 * - Presence churn in a room of 5,000 (quick: 300) with a user each: members leave and new
 *   ones join; the presence posts per second against the account's quota, beside what a
 *   presence frame per user and change would cost.
 *
 * Each part gets a fresh dev server, so one part's connections do not load the next.
 */
import { signDevToken } from '../../functions/auth/sign-token.js';
import { row } from '../compare.js';
import { type DevServer, startDevServer } from '../dev-server.js';
import { createDriver } from '../drivers.js';
import { closePopulation, connectPopulation, type LoadResult, runLoad, sleep } from '../load.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { BENCH_JWT_SECRET } from '../servers.js';
import { VirtualConnections, type WatchSnapshot } from '../virtual-client.js';

/** API Gateway's account quota for @connections calls and requests, per second. */
const QUOTA = 10_000;
/** The goal from the issue: within twice the bound the quota sets. */
const GOAL = 2;
const LIMITS = { PARLEY_AWS_LIMITS: '1' };

interface FanoutRun {
  members: number;
  /** From the send to the last delivery, ms. */
  lastDeliveryMs: number;
  delivered: number;
  duplicates: number;
}

const token = (userId: string) => signDevToken(BENCH_JWT_SECRET, userId, { expiresIn: '2h' });
const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** The median run's time and rate against the quota's bound, and every run's losses. */
function fanoutRows(label: string, runs: FanoutRun[]): ResultRow[] {
  const rows: ResultRow[] = [];
  const run = [...runs].sort((a, b) => a.lastDeliveryMs - b.lastDeliveryMs)[
    Math.floor(runs.length / 2)
  ];
  if (run) {
    const bound = (run.members / QUOTA) * 1000;
    rows.push(
      row(
        `${label}: time to last delivery`,
        'ms',
        { parley: run.lastDeliveryMs },
        {
          target: `<= ${GOAL}x N/10,000 s (${Math.round(GOAL * bound)} ms)`,
          check: (v) => v <= GOAL * bound,
          digits: 0,
        },
      ),
      row(
        `${label}: ratio to the quota's bound`,
        'x',
        { parley: run.lastDeliveryMs / bound },
        {
          digits: 2,
          noRatio: true,
        },
      ),
      row(
        `${label}: posts per second reached`,
        'posts/s',
        {
          parley: run.delivered / (run.lastDeliveryMs / 1000),
        },
        { noRatio: true, digits: 0 },
      ),
    );
  }
  rows.push(
    row(
      `lost deliveries, ${label}`,
      'count',
      {
        parley: runs.reduce((n, r) => n + (r.members - r.delivered), 0),
      },
      { noRatio: true, target: '0', check: (v) => v === 0 },
    ),
    row(
      `${label}: duplicates`,
      'count',
      {
        parley: runs.reduce((n, r) => n + r.duplicates, 0),
      },
      { noRatio: true },
    ),
  );
  return rows;
}

export const capacity: Scenario = async (ctx) => {
  const log = (m: string) => ctx.log(`capacity: ${m}`);
  const socketMembers = ctx.quick ? 300 : 5_000;
  const virtualSizes = ctx.quick ? [1_000] : [50_000, 100_000];
  const churnMembers = ctx.quick ? 300 : 5_000;
  const rows: ResultRow[] = [];
  const notes: string[] = [
    'Parley as `npm run dev` starts it, with PARLEY_AWS_LIMITS=1: every @connections call ' +
      'waits 20 ms and draws from one 10,000/s bucket (burst 5,000), and each invocation ' +
      'ends at its function timeout; the fan-out worker runs behind the emulated SQS queue ' +
      'with the stack settings (functions/fanout-settings.ts).',
  ];

  // --- A room of socket members --------------------------------------------------------
  {
    const server = await startDevServer(ctx, LIMITS, 'cap-sockets');
    try {
      notes.push(
        `Dev server banner: ${server.output().find((l) => /limits/i.test(l)) ?? '(none)'}`,
      );
      const driver = await createDriver(server);
      const tag = `cap${Date.now().toString(36)}`;
      const pop = await connectPopulation(driver, {
        clients: socketMembers + 1,
        rooms: 1,
        tag,
        userOf: (i) => (i === 0 ? `${tag}-sender` : `${tag}-m${i}`),
        log,
      });
      try {
        const joined = pop.members[0]?.length ?? 0;
        if (joined !== socketMembers + 1) {
          throw new Error(`only ${joined}/${socketMembers + 1} joined the room`);
        }
        // Let the joins' replies and presence counts drain before timing a message.
        await sleep(ctx.quick ? 1_000 : 5_000);
        const runs: FanoutRun[] = [];
        for (let round = 0; round < (ctx.quick ? 2 : 3); round++) {
          const load: LoadResult = await runLoad(pop, {
            rate: 1,
            durationMs: 1_000,
            drainMs: 60_000,
            senders: [0],
            tag: `${tag}-s${round}`,
          });
          runs.push({
            members: socketMembers,
            lastDeliveryMs: load.lastDeliveryMs,
            delivered: load.delivered,
            duplicates: load.duplicates,
          });
          log(
            `${socketMembers} sockets: ${load.delivered}/${load.expected} in ${seconds(load.lastDeliveryMs)} s`,
          );
          await sleep(1_000);
        }
        rows.push(...fanoutRows(`${socketMembers.toLocaleString('en-US')} socket members`, runs));
      } finally {
        await closePopulation(pop);
      }
    } finally {
      await server.stop();
    }
  }

  // --- Rooms of virtual members ---------------------------------------------------------
  for (const size of virtualSizes) {
    const server = await startDevServer(ctx, LIMITS, `cap-v${size}`);
    try {
      const runs = await virtualRoom(server, size, ctx.quick, log);
      rows.push(...fanoutRows(`${size.toLocaleString('en-US')} virtual members`, runs));
    } finally {
      await server.stop();
    }
  }

  // --- Presence churn -------------------------------------------------------------------
  {
    const server = await startDevServer(ctx, LIMITS, 'cap-churn');
    try {
      const churn = await presenceChurn(server, churnMembers, ctx.quick, log);
      rows.push(...churn.rows);
      notes.push(...churn.notes);
    } finally {
      await server.stop();
    }
  }

  return { name: 'capacity', title: 'Fan-out and presence under AWS limits', rows, notes };
};

/** A room of `size` virtual members and one socket sender; one message, three times. */
async function virtualRoom(
  server: DevServer,
  size: number,
  quick: boolean,
  log: (m: string) => void,
): Promise<FanoutRun[]> {
  const label = `${size.toLocaleString('en-US')} virtual members`;
  const virtual = new VirtualConnections(server.httpUrl);
  const room = `capv-${size}-${Date.now().toString(36)}`;
  const t0 = Date.now();
  // One user for the members: the part measures fan-out, not per-user presence.
  const opened = await virtual.open(size, { token: await token(`${room}-listener`) }, 256);
  if (opened.connectionIds.length !== size) {
    throw new Error(
      `opened ${opened.connectionIds.length}/${size}: ${JSON.stringify(opened.refused)}`,
    );
  }
  await virtual.send(opened.connectionIds, { action: 'join_room', roomId: room, limit: 1 }, 256);
  log(`${label}: opened and joined in ${seconds(Date.now() - t0)} s`);

  const driver = await createDriver(server);
  const sender = await driver.connect(`${room}-sender`);
  await sender.join(room);
  await sleep(quick ? 1_000 : 5_000); // the joins' replies and presence count drain first
  const runs: FanoutRun[] = [];
  for (let round = 0; round < (quick ? 2 : 3); round++) {
    const marker = `${room}-m${round}`;
    const watcher = await virtual.watch(marker);
    const sentAt = Date.now();
    const outcome = await sender.send(room, `${marker} fan-out probe`, marker);
    if (!outcome.ok) throw new Error(`the probe was not acked: ${outcome.code}`);
    const seen: WatchSnapshot = await watcher.until(size, 120_000);
    await watcher.stop();
    const lastDeliveryMs = (seen.lastAt ?? Date.now()) - sentAt;
    runs.push({
      members: size,
      lastDeliveryMs,
      delivered: seen.connections,
      duplicates: seen.frames - seen.connections,
    });
    log(`${label}: ${seen.connections}/${size} in ${seconds(lastDeliveryMs)} s`);
    await sleep(2_000);
  }
  await sender.close();
  return runs;
}

/**
 * `members` virtual members, a user each; then for `durationS` seconds `rate` of them leave
 * each second and as many new users join. Counts what the room is told (presence frames,
 * presence_count frames) and compares it with a presence frame per user and change.
 */
async function presenceChurn(
  server: DevServer,
  members: number,
  quick: boolean,
  log: (m: string) => void,
): Promise<{ rows: ResultRow[]; notes: string[] }> {
  const virtual = new VirtualConnections(server.httpUrl);
  const room = `capc-${Date.now().toString(36)}`;
  const rate = quick ? 10 : 20;
  const durationS = quick ? 4 : 30;
  const tokens = (from: number, n: number) =>
    Promise.all(Array.from({ length: n }, (_, i) => token(`${room}-u${from + i}`)));
  let next = 0;
  const openAndJoin = async (n: number) => {
    const opened = await virtual.open(n, { tokens: await tokens(next, n) }, 128);
    next += n;
    await virtual.send(opened.connectionIds, { action: 'join_room', roomId: room, limit: 1 }, 128);
    return opened.connectionIds;
  };
  let present = await openAndJoin(members);
  log(`churn: ${present.length} members joined`);
  await sleep(quick ? 6_000 : 12_000); // the joins' presence counts have gone out

  const perUser = await virtual.watch('"type":"presence",');
  const counts = await virtual.watch('"type":"presence_count"');
  const started = Date.now();
  for (let s = 0; s < durationS; s++) {
    const tick = Date.now();
    const leaving = present.slice(0, rate);
    present = present.slice(rate);
    await virtual.close(leaving);
    present.push(...(await openAndJoin(rate)));
    const wait = 1_000 - (Date.now() - tick);
    if (wait > 0) await sleep(wait);
  }
  // The last period's count goes out at its end.
  await sleep(quick ? 6_000 : 12_000);
  const elapsedS = (Date.now() - started) / 1000;
  const [presence, count] = await Promise.all([perUser.snapshot(), counts.snapshot()]);
  await Promise.all([perUser.stop(), counts.stop()]);
  const postsPerSecond = (presence.frames + count.frames) / elapsedS;
  // A presence frame per change to every other member: (leave + join) x rate x members.
  const perUserModel = 2 * rate * members;
  // At API Gateway's natural churn (every connection closed at 2 h): N^2 / 3,600 posts/s.
  const natural = (members * members) / 3_600;
  log(
    `churn: ${presence.frames} presence + ${count.frames} presence_count frames in ${elapsedS.toFixed(0)} s`,
  );
  return {
    rows: [
      row(
        `presence churn, ${members.toLocaleString('en-US')} members, ${rate} leave + ${rate} join/s: presence posts`,
        'posts/s',
        { parley: postsPerSecond },
        {
          target: `<= 5% of the ${QUOTA.toLocaleString('en-US')}/s quota`,
          check: (v) => v <= QUOTA * 0.05,
          noRatio: true,
        },
      ),
      row(
        'presence churn: share of the quota',
        '%',
        { parley: (postsPerSecond / QUOTA) * 100 },
        {
          noRatio: true,
          digits: 2,
        },
      ),
      row(
        'presence churn: a frame per user and change would cost',
        'posts/s',
        { parley: perUserModel },
        {
          noRatio: true,
          digits: 0,
        },
      ),
    ],
    notes: [
      `Presence churn: ${presence.frames} per-user presence frames and ${count.frames} presence_count frames reached the room in ${elapsedS.toFixed(0)} s. At API Gateway's own churn (each connection closed at 2 h) a room of ${members.toLocaleString('en-US')} would cost ${Math.round(natural).toLocaleString('en-US')} posts/s with a frame per user and change (${((natural / QUOTA) * 100).toFixed(0)}% of the quota); presence_count caps it at ${members.toLocaleString('en-US')} / max(5 s, ${members} / 500) per second.`,
    ],
  };
}

export default capacity;
