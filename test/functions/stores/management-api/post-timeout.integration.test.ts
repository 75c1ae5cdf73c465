/**
 * A post to a peer that never answers ends with a timeout error instead of waiting for
 * it: `send` rejects, and `broadcast` reports the connection as worth retrying. The peer is
 * a real HTTP server on a free port that takes the request and holds it; the SDK client is
 * the one the handlers use. A client that waited for the peer would never settle, and the
 * test's own timeout would fail it.
 */
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagementApiSender } from '../../../../functions/stores/management-api/sender.js';
import { RecordingLogger } from '../../../support/fakes.js';

let peer: Server;
let held: IncomingMessage[];
let sender: ManagementApiSender;

beforeEach(async () => {
  held = [];
  // Reads each post and never answers it, like an endpoint that has stopped responding.
  peer = createServer((req) => {
    held.push(req);
    req.resume();
  });
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
  const { port } = peer.address() as AddressInfo;
  sender = new ManagementApiSender({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestTimeoutMs: 100,
    log: new RecordingLogger(),
  });
});

afterEach(async () => {
  peer.closeAllConnections();
  await new Promise((resolve) => peer.close(resolve));
});

describe('a post that gets no answer in time', () => {
  it('rejects send with a timeout error', async () => {
    const error = await sender.send('c1', '{}').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', cause: { name: 'TimeoutError' } });
    expect(held.length).toBeGreaterThan(0);
  });

  it('is reported by broadcast as worth retrying, not lost', async () => {
    const result = await sender.broadcast(['c1', 'c2'], '{}');
    expect({ ...result, retry: [...result.retry].sort() }).toEqual({
      gone: [],
      retry: ['c1', 'c2'],
      failed: 0,
    });
  });
});
