/**
 * The ConnectionSender contract, run against every implementation: the Management API
 * sender (the real SDK client over the local gateway's `@connections` HTTP API), the dev
 * server's direct sender (into the same gateway in-process), and the tests' fake
 * (`RecordingSender`, under every action and handler test). Each factory returns
 * `[harness, cleanup]`, as socket.io-redis-adapter's test runner does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../../functions/core/errors.js';
import { REPLY_MAX_BYTES } from '../../../../functions/core/limits.js';
import type { ConnectionSender } from '../../../../functions/core/ports.js';

/** A sender, and the connections at the other end of it. */
export interface SenderHarness {
  sender: ConnectionSender;
  /** Opens a connection to post to; resolves with its id. */
  open(): Promise<string>;
  /** Closes a connection as its client going away does: posts to it are gone (410). */
  close(connectionId: string): Promise<void>;
  /** The frames a connection has received, in order, once it has `count` of them. */
  received(connectionId: string, count: number): Promise<string[]>;
}

export interface SenderWorld {
  /** Every post is refused for now (429: the account's request quota is spent). */
  throttled: boolean;
}

export type SenderFactory = (world: SenderWorld) => Promise<[SenderHarness, () => Promise<void>]>;

/** One byte over API Gateway's 128 KB per message, which PostToConnection refuses (413). */
const TOO_LARGE = 'x'.repeat(REPLY_MAX_BYTES + 1);

const sorted = (ids: readonly string[]) => [...ids].sort();

export function senderContract(name: string, factory: SenderFactory) {
  describe(`ConnectionSender contract: ${name}`, () => {
    let harness: SenderHarness;
    let sender: ConnectionSender;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [harness, cleanup] = await factory({ throttled: false });
      sender = harness.sender;
    });
    // A factory that failed (a server that could not start) has nothing to clean up.
    afterAll(() => cleanup?.());

    it('posts a frame to an open connection and resolves true', async () => {
      const id = await harness.open();
      expect(await sender.send(id, '{"type":"left","roomId":"a"}')).toBe(true);
      expect(await harness.received(id, 1)).toEqual(['{"type":"left","roomId":"a"}']);
    });

    it('resolves false for a connection that has closed (410)', async () => {
      const id = await harness.open();
      await harness.close(id);
      expect(await sender.send(id, '{}')).toBe(false);
    });

    it('broadcasts one frame to each open connection once, reporting the closed ones gone', async () => {
      const [a, b, c, d] = [
        await harness.open(),
        await harness.open(),
        await harness.open(),
        await harness.open(),
      ];
      await harness.close(c);
      await harness.close(d);
      const result = await sender.broadcast([a, c, b, d], '{"n":1}');
      expect({ ...result, gone: sorted(result.gone) }).toEqual({
        gone: sorted([c, d]),
        retry: [],
        failed: 0,
      });
      // A frame sent after the broadcast arrives right behind it: the broadcast posted once.
      for (const id of [a, b]) {
        expect(await sender.send(id, '{"n":2}')).toBe(true);
        expect(await harness.received(id, 2)).toEqual(['{"n":1}', '{"n":2}']);
      }
    });

    it('posts nothing for a broadcast to nobody', async () => {
      expect(await sender.broadcast([], '{}')).toEqual({ gone: [], retry: [], failed: 0 });
    });

    it('refuses a frame over 128 KB for good: not worth a retry, and nothing arrives', async () => {
      const [a, b] = [await harness.open(), await harness.open()];
      const error = await sender.send(a, TOO_LARGE).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'PayloadTooLargeException' });
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(await sender.broadcast([a, b], TOO_LARGE)).toEqual({ gone: [], retry: [], failed: 2 });
      expect(await sender.send(a, '{"after":1}')).toBe(true);
      expect(await harness.received(a, 1)).toEqual(['{"after":1}']);
    });

    describe('with every post refused for now (429)', () => {
      let throttled: SenderHarness;
      let stop: (() => Promise<void>) | undefined;
      beforeAll(async () => {
        [throttled, stop] = await factory({ throttled: true });
      });
      afterAll(() => stop?.());

      it('rejects a send as unavailable, and lists every post of a broadcast to retry', async () => {
        const [a, b] = [await throttled.open(), await throttled.open()];
        const error = await throttled.sender.send(a, '{}').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error).toMatchObject({ code: 'unavailable' });
        const result = await throttled.sender.broadcast([a, b], '{}');
        expect({ ...result, retry: sorted(result.retry) }).toEqual({
          gone: [],
          retry: sorted([a, b]),
          failed: 0,
        });
      });
    });
  });
}
