/**
 * A loopback HTTP proxy in front of the local gateway's `@connections` API that makes a
 * share of the posts fail as API Gateway's may: 410 `GoneException`, 429
 * `LimitExceededException`, 500 `InternalServerErrorException`, or no answer at all (the
 * caller's request timeout ends it). A failed post is not passed on: nothing reaches the
 * connection. API Gateway answers 410 only for a connection that is gone, so a 410 here
 * first closes the connection (a DELETE to the gateway): the client lost its connection
 * just before the post, which is the case the handlers must get right. Everything else (other methods, the emulated SQS API,
 * posts not picked) is forwarded unchanged. The handlers reach it through `CALLBACK_URL`.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Random } from './random.js';

export type ManagementFault = '410' | '429' | '500' | 'timeout';

const ANSWERS: Record<Exclude<ManagementFault, 'timeout'>, [number, string]> = {
  '410': [410, 'GoneException'],
  '429': [429, 'LimitExceededException'],
  '500': [500, 'InternalServerErrorException'],
};

export interface ManagementFaultProxy {
  url: string;
  /** From now on, `share` (0 to 1) of the posts fail with `fault`; `undefined` heals. */
  set(fault: ManagementFault | undefined, share?: number): void;
  /** Posts failed so far, by fault. */
  readonly injected: Record<ManagementFault, number>;
  close(): Promise<void>;
}

function answerWith(res: ServerResponse, fault: keyof typeof ANSWERS): void {
  const [status, errorType] = ANSWERS[fault];
  const body = JSON.stringify({ message: errorType });
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'x-amzn-ErrorType': errorType,
  });
  res.end(body);
}

/**
 * `target` is the gateway's callback URL, asked for on each request: the handlers are
 * told this proxy's address when their server starts, before the gateway's is known.
 */
export async function startManagementFaultProxy(
  target: () => string,
  random: Random,
): Promise<ManagementFaultProxy> {
  const upstream = () => new URL(target());
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const injected: Record<ManagementFault, number> = { '410': 0, '429': 0, '500': 0, timeout: 0 };
  let fault: ManagementFault | undefined;
  let share = 0;
  const held = new Set<ServerResponse>();

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = http.request(
      {
        host: upstream().hostname,
        port: upstream().port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };

  const server = http.createServer((req, res) => {
    const isPost = req.method === 'POST' && /\/(@|%40)connections\//i.test(req.url ?? '');
    if (!isPost || fault === undefined || random.next() >= share) return forward(req, res);
    injected[fault]++;
    req.resume();
    if (fault === '410') {
      const gone = http.request({
        host: upstream().hostname,
        port: upstream().port,
        method: 'DELETE',
        path: req.url,
        agent,
      });
      gone.on('response', (answer) => answer.resume());
      gone.on('error', () => {});
      gone.end(() => answerWith(res, '410'));
      return;
    }
    if (fault === 'timeout') {
      // Held until the caller gives up (its socket closes) or the proxy closes.
      held.add(res);
      res.once('close', () => held.delete(res));
      return;
    }
    answerWith(res, fault);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    set(next, nextShare = 0.3) {
      fault = next;
      share = nextShare;
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}
