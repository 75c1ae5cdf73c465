/**
 * The fan-out queue adapters: the SQS adapter (the real SDK against the local emulator's
 * SQS API on a port of its own) and the recording fake pass the same contract; then what
 * only SQS can do wrong.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueRefusedError, StoreUnavailableError } from '../../../../functions/core/errors.js';
import type { DeliveryJob } from '../../../../functions/core/ports.js';
import { REASON_ATTRIBUTE, SqsFanoutQueue } from '../../../../functions/stores/sqs/fanout-queue.js';
import { decodeJob } from '../../../../functions/stores/sqs/job-codec.js';
import { LocalQueue } from '../../../../local/queue/local-queue.js';
import { isSqsRequest, SqsApi } from '../../../../local/queue/sqs-api.js';
import { RecordingQueue } from '../../../support/fakes.js';
import { fanoutQueueContract } from '../../core/ports/fanout-queue.contract.js';

interface LocalSqs {
  endpoint: string;
  queue: LocalQueue;
  dlq: LocalQueue;
  client: SQSClient;
  close(): Promise<void>;
}

async function startLocalSqs(): Promise<LocalSqs> {
  const dlq = new LocalQueue({ name: 'test-dlq', url: 'x' });
  const queue = new LocalQueue({ name: 'test-fanout', url: 'x', deadLetterQueue: dlq });
  const api = new SqsApi(
    new Map([
      [queue.name, queue],
      [dlq.name, dlq],
    ]),
  );
  const server: Server = createServer((req, res) => {
    if (isSqsRequest(req)) void api.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = localClient(endpoint);
  return {
    endpoint,
    queue,
    dlq,
    client,
    async close() {
      client.destroy();
      queue.close();
      dlq.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The real SQS client, against a local endpoint (which takes any credentials). */
function localClient(endpoint: string, maxAttempts?: number): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

const urlOf = (endpoint: string, name: string) => `${endpoint}/123456789012/${name}`;

fanoutQueueContract('SQS (local emulator)', async () => {
  const sqs = await startLocalSqs();
  const adapter = new SqsFanoutQueue(sqs.client, {
    queueUrl: urlOf(sqs.endpoint, 'test-fanout'),
    deadLetterQueueUrl: urlOf(sqs.endpoint, 'test-dlq'),
    endpoint: 'https://api.example/test',
  });
  const probe = {
    async take() {
      return sqs.queue.purge().map((m) => {
        expect(m.attributes.endpoint?.StringValue).toBe('https://api.example/test');
        return {
          job: decodeJob(m.body),
          delaySeconds: Math.round((m.visibleAt - m.sentAt) / 1000),
        };
      });
    },
    async deadLettered() {
      return sqs.dlq.peek().map((m) => ({
        job: decodeJob(m.body),
        reason: m.attributes[REASON_ATTRIBUTE]?.StringValue ?? '',
      }));
    },
  };
  return [adapter, probe, () => sqs.close()];
});

fanoutQueueContract('recording fake', async () => {
  const fake = new RecordingQueue();
  const probe = {
    async take() {
      return fake.pending.splice(0);
    },
    async deadLettered() {
      return fake.deadLetters;
    },
  };
  return [fake, probe, async () => {}];
});

describe('SqsFanoutQueue', () => {
  let sqs: LocalSqs;
  beforeAll(async () => {
    sqs = await startLocalSqs();
  });
  afterAll(() => sqs.close());

  const job: DeliveryJob = {
    kind: 'deliver',
    roomId: 'r',
    frame: '{}',
    to: [{ connectionId: 'c', userId: 'u' }],
    attempt: 0,
  };

  it('answers unavailable when SQS cannot be reached', async () => {
    const client = localClient('http://127.0.0.1:1', 1);
    const adapter = new SqsFanoutQueue(client, {
      queueUrl: urlOf('http://127.0.0.1:1', 'q'),
      deadLetterQueueUrl: urlOf('http://127.0.0.1:1', 'dlq'),
      endpoint: 'e',
    });
    await expect(adapter.enqueue([job])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(adapter.deadLetter(job, 'x')).rejects.toBeInstanceOf(StoreUnavailableError);
    client.destroy();
  });

  it('says which jobs it did not queue when only some batches went through', async () => {
    const mock = mockClient(SQSClient);
    try {
      let calls = 0;
      mock.on(SendMessageBatchCommand).callsFake(() => {
        calls += 1;
        if (calls === 2) {
          return Promise.reject(Object.assign(new Error('down'), { name: 'InternalError' }));
        }
        return Promise.resolve({ Successful: [], Failed: [] });
      });
      const adapter = new SqsFanoutQueue(new SQSClient({ region: 'us-east-1' }), {
        queueUrl: 'q',
        deadLetterQueueUrl: 'dlq',
        endpoint: 'e',
      });
      const jobs = Array.from({ length: 15 }, (_, i) => ({ ...job, roomId: `r${i}` }));
      const error = await adapter.enqueue(jobs).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueRefusedError);
      // Two batches: 10 and 5; the second failed, the first is queued.
      expect((error as QueueRefusedError).notQueued.map((j) => j.roomId)).toEqual(
        jobs.slice(10).map((j) => j.roomId),
      );
    } finally {
      mock.restore();
    }
  });

  it('gives up at its deadline on an SQS that never answers', async () => {
    const silent = createServer(() => {}); // takes requests, answers none
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // No request timeout of its own: only the deadline can end the call.
    const client = localClient(endpoint, 1);
    const adapter = new SqsFanoutQueue(client, {
      queueUrl: urlOf(endpoint, 'q'),
      deadLetterQueueUrl: urlOf(endpoint, 'dlq'),
      endpoint: 'e',
    });
    try {
      const error = await adapter.enqueue([job], { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueueRefusedError);
      expect((error as QueueRefusedError).notQueued).toEqual([job]);
    } finally {
      client.destroy();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('rethrows a misconfiguration (no such queue) as it is, not as unavailable', async () => {
    const adapter = new SqsFanoutQueue(sqs.client, {
      queueUrl: urlOf(sqs.endpoint, 'no-such-queue'),
      deadLetterQueueUrl: urlOf(sqs.endpoint, 'test-dlq'),
      endpoint: 'e',
    });
    const error = await adapter.enqueue([job]).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).name).toBe('QueueDoesNotExist');
  });
});
