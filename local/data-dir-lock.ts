/**
 * The dev server owns its DATA_DIR: `DATA_DIR/dev-server.lock` names the process that holds
 * it. A second server on the same directory must not start (it would stop the first's
 * embedded PostgreSQL as "left over" and leave the first answering `unavailable`); a lock
 * whose process is gone (a `kill -9`, a crash) is taken over. The lock also tells the
 * token and chat commands which server uses the directory and where its secret comes from.
 */
import { readFileSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from './startup-error.js';

export const LOCK_FILE = 'dev-server.lock';

export interface LockHolder {
  pid: number;
  /** The process's start time (Linux: /proc/PID/stat field 22), so a reused pid is not taken for it. */
  startTime?: string;
  /** Where the server's JWT secret comes from: the file in DATA_DIR, or `JWT_SECRET`. */
  secret: 'data-dir' | 'env';
  /** The WebSocket URL, once the server listens. */
  url?: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Records what the token and chat commands need to know (the URL once known). */
  update(fields: Partial<Omit<LockHolder, 'pid' | 'startTime'>>): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export class DataDirLockedError extends StartupError {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${dataDir} is in use by another dev server (pid ${holder.pid}${holder.url ? `, ${holder.url}` : ''})`,
      `stop that one first, or start this one with another DATA_DIR`,
    );
  }
}

/**
 * Takes the lock or throws `DataDirLockedError` naming the live holder. Creating the file
 * with `link` is atomic, so of two servers starting at once exactly one wins.
 */
export async function acquireDataDirLock(
  dataDir: string,
  secret: LockHolder['secret'],
  log: (message: string) => void,
): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE);
  let holder: LockHolder = { pid: process.pid, secret, ...startTimeOf(process.pid) };
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw error;
      }
      const current = await readLock(dataDir);
      if (current && isRunning(current)) throw new DataDirLockedError(dataDir, current);
      log(
        current
          ? `taking over ${file}: its dev server (pid ${current.pid}) is no longer running`
          : `taking over ${file}: it names no process`,
      );
      await rm(file, { force: true });
    }
  } finally {
    await rm(draft, { force: true });
  }
  const ours = () => readLock(dataDir).then((now) => now?.pid === process.pid);
  return {
    file,
    async update(fields) {
      holder = { ...holder, ...fields };
      if (await ours()) await writeFile(file, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
    },
    async release() {
      if (await ours()) await rm(file, { force: true });
    },
  };
}

/** The lock's holder as recorded, or undefined when there is no (readable) lock. */
export async function readLock(dataDir: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, LOCK_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) {
      return undefined;
    }
    return {
      pid: parsed.pid,
      secret: parsed.secret === 'env' ? 'env' : 'data-dir',
      ...(typeof parsed.startTime === 'string' ? { startTime: parsed.startTime } : {}),
      ...(typeof parsed.url === 'string' ? { url: parsed.url } : {}),
    };
  } catch {
    return undefined; // half-written by a crash: nobody holds it
  }
}

/** The live dev server holding `dataDir`, if any. */
export async function runningHolder(dataDir: string): Promise<LockHolder | undefined> {
  const holder = await readLock(dataDir);
  return holder && isRunning(holder) ? holder : undefined;
}

/** Alive, and (where /proc tells) the same process that wrote the lock, not a reused pid. */
function isRunning(holder: LockHolder): boolean {
  if (holder.pid === process.pid) return false; // our own pid from an earlier life of a container
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStat(holder.pid);
  // A killed server not yet reaped by its parent is a zombie: dead enough.
  if (now.state === 'Z') return false;
  return (
    holder.startTime === undefined ||
    now.startTime === undefined ||
    now.startTime === holder.startTime
  );
}

function startTimeOf(pid: number): { startTime?: string } {
  const { startTime } = procStat(pid);
  return startTime === undefined ? {} : { startTime };
}

function procStat(pid: number): { state?: string; startTime?: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return {}; // no /proc (macOS): the pid alone decides
  }
}
