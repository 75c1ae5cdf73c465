/**
 * `npm run token -- alice [--name "Alice"] [--ttl 12h]`: prints a dev token for a user,
 * signed with the dev server's secret (JWT_SECRET, else DATA_DIR/jwt-secret), and says on
 * stderr when the server running on DATA_DIR would refuse it.
 */
import { parseArgs } from 'node:util';
import { signDevToken } from '../functions/auth/sign-token.js';
import { secretForCli } from './dev-secret.js';

const USAGE = 'usage: npm run token -- USER_ID [--name "Display Name"] [--ttl 12h]';

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
  });
}
try {
  parsed = parse();
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
const userId = parsed.positionals[0];
if (!userId) {
  console.error(USAGE);
  process.exit(2);
}
try {
  const { secret, warning } = await secretForCli(process.env, { create: true });
  if (warning) console.error(`note: ${warning}`);
  console.log(
    await signDevToken(secret, userId, { name: parsed.values.name, expiresIn: parsed.values.ttl }),
  );
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
