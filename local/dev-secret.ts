/**
 * The dev server's JWT secret: `JWT_SECRET`, else one generated once and kept in DATA_DIR.
 * The token and chat commands sign with the same one, and say so when they cannot know
 * that the server they talk to uses it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runningHolder } from './data-dir-lock.js';

export const SECRET_FILE = 'jwt-secret';

export async function devJwtSecret(dataDir: string): Promise<string> {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  return readOrCreateSecret(dataDir);
}

async function readOrCreateSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, SECRET_FILE);
  const existing = await readSecretFile(file);
  if (existing !== undefined) return existing;
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function dataDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.DATA_DIR ?? '.data');
}

async function readSecretFile(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export interface CliSecret {
  secret: string;
  /** Where it came from, for messages: `JWT_SECRET` or the file's path. */
  source: string;
  /** Set when the secret is not (known to be) the one a running dev server uses. */
  warning?: string;
}

/** No secret to sign with (the chat command does not make one up). */
export class NoSecretError extends Error {}

/**
 * The secret the token and chat commands sign with, resolved as the dev server resolves
 * its own (`JWT_SECRET`, else `DATA_DIR/jwt-secret`, DATA_DIR defaulting to `.data`), and
 * checked against the dev server holding DATA_DIR (its lock): a warning says when a token
 * signed with it will be refused, or may be. With `create`, a missing file is created, as
 * the server would on its first start (tokens minted before it starts then work).
 */
export async function secretForCli(
  env: NodeJS.ProcessEnv,
  options: { create: boolean },
): Promise<CliSecret> {
  const dataDir = dataDirFromEnv(env);
  const file = path.join(dataDir, SECRET_FILE);
  const holder = await runningHolder(dataDir);
  const server = holder ? `the dev server on ${dataDir} (pid ${holder.pid})` : undefined;
  if (env.JWT_SECRET) {
    const result: CliSecret = { secret: env.JWT_SECRET, source: 'JWT_SECRET' };
    if (
      server &&
      holder?.secret === 'data-dir' &&
      (await readSecretFile(file)) !== env.JWT_SECRET
    ) {
      result.warning = `signed with JWT_SECRET, but ${server} uses ${file}: it will refuse this token (unset JWT_SECRET)`;
    }
    return result;
  }
  let secret = await readSecretFile(file);
  let created = false;
  if (secret === undefined) {
    if (!options.create) {
      throw new NoSecretError(
        `no dev server secret in ${file}: run this with the DATA_DIR the dev server prints, or set JWT_SECRET`,
      );
    }
    secret = await readOrCreateSecret(dataDir);
    created = true;
  }
  const result: CliSecret = { secret, source: file };
  if (holder?.secret === 'env') {
    result.warning = `signed with ${file}, but ${server} takes its secret from JWT_SECRET: it will refuse this token (set the same JWT_SECRET here)`;
  } else if (!holder) {
    result.warning = `${created ? 'made a new secret' : 'signed with the secret'} in ${file}, but no dev server is running on ${dataDir}: only a server on that DATA_DIR accepts this token (set DATA_DIR to the one your server prints)`;
  }
  return result;
}
