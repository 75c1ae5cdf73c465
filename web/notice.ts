/**
 * The page's status line: what a call failed with (`forbidden`, `rate_limited` and how long
 * to wait, ...) or what just happened to the user (removed from a room). A polite live
 * region, not an alert: screen readers read it without taking the user away from typing.
 */
import { isParleyError } from '../client/index.js';

/** One line a person can act on; the code stays visible for bug reports. */
export function describe(error: unknown): string {
  if (!isParleyError(error)) return error instanceof Error ? error.message : String(error);
  if (error.code === 'rate_limited') {
    const wait =
      error.retryAfterMs === undefined ? '' : `; try again in ${seconds(error.retryAfterMs)}`;
    return `Too fast: ${error.message}${wait} (rate_limited)`;
  }
  if (error.code === 'forbidden') return `Not allowed: ${error.message} (forbidden)`;
  return `${error.message} (${error.code})`;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}

/** The part of an element the line needs: typed so, this file runs (and is tested) without a DOM. */
export interface LineNode {
  textContent: string | null;
  setAttribute(name: string, value: string): void;
}

export class Notice {
  constructor(private readonly line: LineNode) {}

  show(text: string): void {
    this.line.setAttribute('data-kind', 'info');
    this.line.textContent = text;
  }

  error(prefix: string, error: unknown): void {
    this.line.setAttribute('data-kind', 'error');
    this.line.textContent = `${prefix}: ${describe(error)}`;
  }

  clear(): void {
    this.line.textContent = '';
  }
}
