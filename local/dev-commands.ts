/**
 * What the dev server's banner puts before `npm run token` and `npm run chat` so they work
 * as printed: the DATA_DIR this server uses, when it is not the default the commands
 * would resolve by themselves.
 */
import { dataDirFromEnv } from './dev-secret.js';

export function cliCommandPrefix(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.DATA_DIR === undefined || dataDirFromEnv({}) === dataDir) return '';
  return `DATA_DIR=${shellQuote(dataDir)} `;
}

/** Quoted for a POSIX shell only when it has to be. */
export function shellQuote(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
