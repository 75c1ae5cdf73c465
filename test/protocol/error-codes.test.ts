/** The one error table against its readers: the server's codes and docs/protocol.md. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../functions/core/errors.js';
import { ERROR_TABLE, RETRYABLE_CODES } from '../../protocol/error-codes.js';

/** The rows of protocol.md's "Error codes" table: code -> its `retry later?` cell. */
function documentedCodes(): Map<string, string> {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const section = doc.split('\n## Error codes\n')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`([a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (code !== undefined) rows.set(code, cells[3] ?? '');
  }
  return rows;
}

describe('the error table', () => {
  it('gives the server exactly its rows, in order', () => {
    const serverRows = Object.entries(ERROR_TABLE).filter(([, row]) => row.raisedBy === 'server');
    expect(ERROR_CODES).toEqual(serverRows.map(([code]) => code));
  });

  it('retries what the SDK retried before it was derived from the table', () => {
    expect([...RETRYABLE_CODES].sort()).toEqual(
      ['conflict', 'internal', 'rate_limited', 'timeout', 'unavailable'].sort(),
    );
  });

  it('is what docs/protocol.md lists, retryability included', () => {
    const documented = documentedCodes();
    expect([...documented.keys()]).toEqual([...ERROR_CODES]);
    for (const code of ERROR_CODES) {
      expect(documented.get(code), code).toBe(ERROR_TABLE[code].retryable ? 'yes' : 'no');
    }
  });
});
