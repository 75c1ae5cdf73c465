import { describe, expect, it } from 'vitest';
import { describeGeneratorPriority } from '../../bench/thread-priority.js';

describe('describeGeneratorPriority', () => {
  it('says the generator runs ahead when every thread is below the servers', () => {
    expect(describeGeneratorPriority([-10, -10], 0)).toBe(
      'generator threads at nice -10, ahead of the servers (nice 0)',
    );
  });

  it('says it competes when any thread could not be raised', () => {
    const line = describeGeneratorPriority([-10, 0], 0);
    expect(line).toContain('not ahead of the servers (nice 0)');
    expect(line).toContain('-10/0');
  });

  it('compares against the servers, not against nice 0', () => {
    expect(describeGeneratorPriority([-10], -5)).toContain('ahead of the servers (nice -5)');
    expect(describeGeneratorPriority([-5], -5)).toContain('not ahead');
  });
});
