/**
 * `readTreeCpuSeconds`: a server's CPU with the processes it started (Parley's dynalite runs
 * in a child), read from /proc, so the handshake cost row charges the child's work too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { readCpuSeconds, readTreeCpuSeconds } from '../../bench/servers.js';

// A parent that starts a busy child, says "busy" on stdout, and waits.
const PARENT = `
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  setTimeout(() => process.stdout.write('busy'), 10);
  process.on('SIGTERM', () => { child.kill('SIGKILL'); process.exit(0); });
  setInterval(() => {}, 1000);
`;

let parent: ChildProcess | undefined;
afterEach(() => {
  parent?.kill('SIGTERM');
  parent = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('readTreeCpuSeconds', () => {
  it("adds the children's CPU to the process's own", async () => {
    parent = spawn(process.execPath, ['-e', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => parent?.stdout?.once('data', () => resolve()));
    const pid = parent.pid ?? 0;
    // Until the child has used a few clock ticks more than its idle parent.
    let own = readCpuSeconds(pid) ?? 0;
    let tree = readTreeCpuSeconds(pid) ?? 0;
    for (let i = 0; i < 200 && tree - own < 0.1; i++) {
      await sleep(20);
      own = readCpuSeconds(pid) ?? 0;
      tree = readTreeCpuSeconds(pid) ?? 0;
    }
    expect(tree - own).toBeGreaterThanOrEqual(0.1);
  });

  it('is null for a process that is gone', () => {
    expect(readTreeCpuSeconds(2 ** 22 + 1)).toBeNull();
  });
});
