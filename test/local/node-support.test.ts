import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { END_OF_LIFE, LAMBDA_NODE_MAJOR, nodeVersionNotice } from '../../local/node-support.js';

const on = (day: string) => new Date(`${day}T12:00:00Z`);
const INSTALL = 'install Node.js 24 (nvm install, or see docs/development.md)';

describe('the dev server notice about the Node.js it runs on', () => {
  it('says nothing on an LTS line before its end of life', () => {
    expect(nodeVersionNotice('v26.12.1', on('2026-12-07'))).toBeUndefined();
    expect(nodeVersionNotice('v22.21.0', on('2026-12-07'))).toBeUndefined();
    expect(nodeVersionNotice('v20.20.2', on('2026-04-30'))).toBeUndefined();
  });

  it('names the end of life of a line past it, and what to install', () => {
    expect(nodeVersionNotice('v20.20.2', on('2026-05-01'))).toBe(
      `Node.js v20.20.2 reached its end of life on 2026-04-30 (no more security fixes); Lambda runs Node.js 24: ${INSTALL}`,
    );
    expect(nodeVersionNotice('v22.1.0', on('2027-05-01'))).toMatch(/end of life on 2027-04-30/);
  });

  it('says an odd major is not LTS, and an even one older than the table unsupported', () => {
    expect(nodeVersionNotice('v25.9.0', on('2026-12-07'))).toBe(
      `Node.js v25.9.0 is not an LTS release; Lambda runs Node.js 24: ${INSTALL}`,
    );
    expect(nodeVersionNotice('v16.20.2', on('2026-12-07'))).toMatch(
      /^Node.js v16.20.2 is older than any release Parley supports; /,
    );
  });

  it('leaves an even major newer than the table alone, and an unreadable version', () => {
    expect(nodeVersionNotice('v28.0.0', on('2028-11-01'))).toBeUndefined();
    expect(nodeVersionNotice('nonsense', on('2026-12-07'))).toBeUndefined();
  });
});

describe('the Node.js the repository asks for', () => {
  it('.nvmrc names the Lambda runtime major, an LTS line with an end of life known', () => {
    expect(readFileSync('.nvmrc', 'utf8').trim()).toBe(String(LAMBDA_NODE_MAJOR));
    expect(END_OF_LIFE[LAMBDA_NODE_MAJOR]).toBeDefined();
  });

  it('CI runs the unit tests again on a release of that major', () => {
    const pinned = /^lambda_node_version=(\d+)\.\d+\.\d+$/m.exec(readFileSync('.ci/run', 'utf8'));
    expect(pinned?.[1]).toBe(String(LAMBDA_NODE_MAJOR));
  });
});
