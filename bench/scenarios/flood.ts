/**
 * Flood: does one user sending far past their limit slow anyone else down? `npm run dev`
 * with the shipped rate limits (not the roomy ones the other scenarios use), a room of
 * normal users each sending one message a second, and one more member of the room in one of
 * three arms:
 * - `baseline`: silent;
 * - `at limit`: sending at exactly a connection's send rate, every message accepted;
 * - `flood`: sending at ten times that rate, so it is accepted as often as `at limit` and
 *   refused (`rate_limited`) nine times in ten.
 * `flood` against `at limit` is the refusals' cost alone (the same accepted messages reach
 * the room in both); against `baseline`, the whole flood's. Each round runs the three arms
 * on the same server and population in a rotating order, so drift in the machine's load
 * falls on all of them.
 */

import { LIMITS } from '../../functions/core/limits.js';
import { SHIPPED_RATE_LIMITS } from '../../local/roomy-rate-limits.js';
import { RUN_TAG } from '../compare.js';
import { startDevServer } from '../dev-server.js';
import { createDriver } from '../drivers.js';
import { type FloodResult, startFlood } from '../flooder.js';
import {
  closePopulation,
  connectPopulation,
  type Population,
  runLoad,
  sleep,
  summarize,
} from '../load.js';
import type { Scenario } from '../scenario.js';
import { ARMS, type Arm, type ArmRun, floodReport } from './flood-report.js';

/** How far past a connection's send rate the flooder goes. */
const FLOOD_FACTOR = 10;

export const flood: Scenario = async (ctx) => {
  const size = ctx.quick
    ? { users: 10, seconds: 5, rounds: 1 }
    : { users: 20, seconds: 20, rounds: 3 };
  const sendRate = LIMITS.sendRatePerConnection.default;
  const sendBurst = LIMITS.sendBurstPerConnection.default;
  const floodRate = sendRate * FLOOD_FACTOR;
  const log = (m: string) => ctx.log(`flood: ${m}`);
  log(
    `${size.users} users at 1 msg/s each in one room; one more member silent, at its ${sendRate}/s send rate, or at ${floodRate}/s (${FLOOD_FACTOR}x); ${size.rounds} round(s) of the three, ${size.seconds} s each`,
  );
  const system = await startDevServer(ctx, { ...SHIPPED_RATE_LIMITS }, `flood${RUN_TAG}`);
  const tag = `fl${RUN_TAG}`;
  let pop: Population | undefined;
  const driver = await createDriver(system);
  const extra = await driver.connect(`${tag}-flooder`);
  try {
    pop = await connectPopulation(driver, { clients: size.users, rooms: 1, tag, log });
    if (pop.live.reduce((a, b) => a + b, 0) < size.users) {
      throw new Error(`only ${pop.connected}/${size.users} users joined`);
    }
    const live = pop;
    const roomId = live.roomIds[0] ?? '';
    await extra.join(roomId);
    const rateOf: Record<Arm, number> = { baseline: 0, 'at limit': sendRate, flood: floodRate };
    const runArm = async (arm: Arm, name: string): Promise<ArmRun> => {
      // A full bucket to start from, whatever ran before: what it allows is then exactly
      // its burst plus its rate over the run.
      await sleep((sendBurst / sendRate) * 1000 + 500);
      const rate = rateOf[arm];
      const sending =
        rate > 0 ? startFlood(extra, { roomId, rate, tag: `${tag}${name}x` }) : undefined;
      const load = await runLoad(live, {
        rate: size.users,
        durationMs: size.seconds * 1000,
        drainMs: 10_000,
        tag: `${tag}${name}`,
        contentChars: 60,
        serverCpu: system.cpuSeconds,
        log,
      });
      const sender: FloodResult | undefined = await sending?.stop();
      log(`${arm} (${name}): ${summarize(load)}`);
      if (sender) {
        log(
          `${arm} (${name}) extra member: sent ${sender.sent}, accepted ${sender.accepted}, refused ${JSON.stringify(sender.refused)}`,
        );
      }
      return { arm, load, ...(sender ? { sender } : {}) };
    };
    const runs: ArmRun[] = [];
    for (let r = 0; r < size.rounds; r++) {
      // Rotate the order, so that no arm always follows the same one.
      for (let k = 0; k < ARMS.length; k++) {
        const arm = ARMS[(r + k) % ARMS.length] as Arm;
        runs.push(await runArm(arm, `r${r}${arm[0]}`));
      }
    }
    return floodReport(runs, { sendRate, sendBurst, floodRate, users: size.users });
  } finally {
    await extra.close();
    if (pop) await closePopulation(pop);
    await system.stop();
  }
};
