import { expect, it, describe as suite } from 'vitest';
import { ParleyError } from '../../client/index.js';
import { describe, type LineNode, Notice } from '../../web/notice.js';

function line(): LineNode & { attributes: Record<string, string> } {
  return {
    textContent: '',
    attributes: {},
    setAttribute(name, value) {
      this.attributes[name] = value;
    },
  };
}

suite("the web page's status line", () => {
  it('tells how long to wait on rate_limited, rounding up to whole seconds', () => {
    const error = new ParleyError('rate_limited', 'Too many messages', undefined, {
      retryAfterMs: 1200,
    });
    expect(describe(error)).toBe(
      'Too fast: Too many messages; try again in 2 seconds (rate_limited)',
    );
    const once = new ParleyError('rate_limited', 'Slow mode', undefined, { retryAfterMs: 1 });
    expect(describe(once)).toBe('Too fast: Slow mode; try again in 1 second (rate_limited)');
    expect(describe(new ParleyError('rate_limited', 'Slow down'))).toBe(
      'Too fast: Slow down (rate_limited)',
    );
  });

  it('says forbidden as "Not allowed", other codes as they are, and plain errors by message', () => {
    expect(describe(new ParleyError('forbidden', 'You are muted in this room'))).toBe(
      'Not allowed: You are muted in this room (forbidden)',
    );
    expect(describe(new ParleyError('conflict', 'The room exists'))).toBe(
      'The room exists (conflict)',
    );
    expect(describe(new Error('Could not sign in: bad name'))).toBe('Could not sign in: bad name');
    expect(describe('odd')).toBe('odd');
  });

  it('marks an error apart from information, for its colour', () => {
    const node = line();
    const notice = new Notice(node);
    notice.error('Could not mute bob', new ParleyError('forbidden', 'Admins only'));
    expect(node.textContent).toBe('Could not mute bob: Not allowed: Admins only (forbidden)');
    expect(node.attributes['data-kind']).toBe('error');
    notice.show('Muted bob');
    expect(node).toMatchObject({ textContent: 'Muted bob', attributes: { 'data-kind': 'info' } });
    notice.clear();
    expect(node.textContent).toBe('');
  });
});
