/**
 * The benchmark's DynamoDB: dynalite in memory, in a process of its own. On AWS DynamoDB's
 * work happens in DynamoDB, not in the Lambda or the gateway; run inside Parley's process it
 * would charge that work to Parley (its CPU and its RSS per connection). Prints
 * `dynamodb listening on <endpoint>`; exits when its parent closes stdin or on SIGTERM.
 */
import { startEmbeddedDynamo } from '../local/embedded/dynamodb.js';

const say = (message: string) => console.error(`[bench-dynamo] ${message}`);
const dynamo = await startEmbeddedDynamo({ log: say });
console.log(`dynamodb listening on ${dynamo.endpoint}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await dynamo.stop().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The parent holds our stdin open: when it goes, however it went, so do we.
process.stdin.on('end', () => void stop());
process.stdin.resume();
