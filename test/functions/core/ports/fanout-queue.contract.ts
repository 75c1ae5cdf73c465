/**
 * The FanoutQueue contract, run against every implementation (SQS through the real
 * `@aws-sdk/client-sqs` against the local emulator, and the tests' recording fake): each
 * factory returns the queue, a probe that reads what it holds, and a cleanup.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryJob, FanoutJob, FanoutQueue } from '../../../../functions/core/ports.js';

export interface QueueProbe {
  /** Every job the queue holds, with its delay, taken off it. */
  take(): Promise<{ job: FanoutJob; delaySeconds: number }[]>;
  /** What the dead-letter queue holds. */
  deadLettered(): Promise<{ job: FanoutJob; reason: string }[]>;
}

export type QueueFactory = () => Promise<[FanoutQueue, QueueProbe, () => Promise<void>]>;

const connections = (n: number, userLength = 8) =>
  Array.from({ length: n }, (_, i) => ({
    connectionId: `conn-${String(i).padStart(6, '0')}`,
    userId: `u${String(i).padStart(userLength - 1, '0')}`,
  }));

const deliverJob = (n: number, frame = '{"type":"new_message"}', attempt = 0): DeliveryJob => ({
  kind: 'deliver',
  roomId: 'room-1',
  frame,
  to: connections(n),
  attempt,
});

export function fanoutQueueContract(name: string, factory: QueueFactory) {
  describe(`FanoutQueue contract: ${name}`, () => {
    let queue: FanoutQueue;
    let probe: QueueProbe;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      [queue, probe, cleanup] = await factory();
    });
    afterAll(() => cleanup());

    it('gives back the jobs as queued, with their delay', async () => {
      const jobs: FanoutJob[] = [
        deliverJob(3, '{"type":"new_message","message":{"content":"中文 ✓ \\"q\\""}}', 2),
        { kind: 'presence_count', roomId: 'room-2' },
      ];
      await queue.enqueue(jobs, { delaySeconds: 4 });
      expect(await probe.take()).toEqual(jobs.map((job) => ({ job, delaySeconds: 4 })));
    });

    it('takes many jobs at once (more than one SQS batch)', async () => {
      const jobs = Array.from({ length: 25 }, (_, i) => ({
        ...deliverJob(2),
        roomId: `room-${i}`,
      }));
      await queue.enqueue(jobs);
      const taken = await probe.take();
      expect(taken.map((t) => t.job.roomId).sort()).toEqual(jobs.map((j) => j.roomId).sort());
      expect(taken.every((t) => t.delaySeconds === 0)).toBe(true);
    });

    it('keeps every connection of a job too big for one message, exactly once', async () => {
      const job = {
        ...deliverJob(0, `{"pad":"${'x'.repeat(120_000)}"}`),
        to: connections(2_000, 60),
      };
      await queue.enqueue([job]);
      const parts = (await probe.take()).map((t) => t.job as DeliveryJob);
      const ids = parts.flatMap((p) => p.to.map((c) => c.connectionId));
      expect(ids.sort()).toEqual(job.to.map((c) => c.connectionId).sort());
      for (const part of parts) {
        expect(part).toMatchObject({ kind: 'deliver', roomId: job.roomId, frame: job.frame });
      }
    });

    it('parks a dead delivery in the dead-letter queue with the reason', async () => {
      const job = deliverJob(2, '{"type":"new_message"}', 6);
      await queue.deadLetter(job, 'still failing after 6 tries');
      expect(await probe.deadLettered()).toEqual([{ job, reason: 'still failing after 6 tries' }]);
      expect(await probe.take()).toEqual([]);
    });

    it('queues nothing for no jobs', async () => {
      await queue.enqueue([]);
      expect(await probe.take()).toEqual([]);
    });
  });
}
