/**
 * `npm run cost -- --users 200 --messages-per-day 20000 --room-size 10 --profile lean`:
 * the monthly bill of a load on a profile, line by line, with the assumptions, what
 * presence, typing and receipts multiply, and the same load on Ably, Pusher and AppSync
 * Events. `--json` for machines, `--write-doc` regenerates docs/cost.md.
 */
import { runCost } from './request.js';

process.exitCode = runCost(
  process.argv.slice(2),
  (text) => console.log(text),
  (text) => console.error(text),
);
