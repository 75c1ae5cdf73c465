/** `npm run token -- alice [--name "Alice"] [--ttl 12h]`: prints a dev token for a user. */
import { parseArgs } from 'node:util';
import { signDevToken } from '../functions/auth/sign-token.js';
import { dataDirFromEnv, devJwtSecret } from './dev-secret.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
});
const userId = positionals[0];
if (!userId) {
  console.error('usage: npm run token -- USER_ID [--name "Display Name"] [--ttl 12h]');
  process.exit(2);
}
const secret = await devJwtSecret(dataDirFromEnv());
console.log(await signDevToken(secret, userId, { name: values.name, expiresIn: values.ttl }));
