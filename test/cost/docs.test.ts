/**
 * docs/cost.md and the README's cost paragraph say what the model prints now: regenerate
 * them with `npm run cost -- --write-doc` (and copy `readmeSnippet()` into README.md).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COST_DOC_PATH, readmeSnippet, renderCostDoc } from '../../cost/render-doc.js';

describe('the cost figures in the docs', () => {
  it('docs/cost.md is what the model prints (npm run cost -- --write-doc)', () => {
    expect(readFileSync(COST_DOC_PATH, 'utf8')).toBe(renderCostDoc());
  });

  it("the README's paragraph and its total are the model's", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(readmeSnippet());
  });
});
