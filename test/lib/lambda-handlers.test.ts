/**
 * Lambda's Node.js runtimes from 24 on refuse a callback-style handler (three parameters,
 * not async) where Node.js 22 only warned: every entry the stack deploys must export a
 * `handler` that takes (event, context) and answers with a promise.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS } from '../../lib/bundle-budgets.js';
import { LAMBDA_NODE_MAJOR } from '../../local/node-support.js';

describe('Lambda entries', () => {
  for (const entry of Object.keys(BUNDLE_BUDGETS)) {
    it(`${entry} exports a handler that Node.js ${LAMBDA_NODE_MAJOR} on Lambda accepts`, async () => {
      const { handler } = (await import(/* @vite-ignore */ `../../functions/${entry}.js`)) as {
        handler: unknown;
      };
      expect(handler).toBeTypeOf('function');
      const fn = handler as (...args: unknown[]) => unknown;
      // The runtime interface client's own test: a callback handler has three parameters
      // and is not an async function.
      expect(fn.length < 3 || fn.constructor.name === 'AsyncFunction').toBe(true);
    }, 30_000);
  }
});
