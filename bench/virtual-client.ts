/**
 * The dev server's virtual connections (local/gateway/README.md, "Virtual connections"),
 * driven over its loopback-only HTTP API: socketless members that count what they receive,
 * so fan-out can be measured at 50,000 and 100,000 members on one machine.
 */

export interface WatchSnapshot {
  marker: string;
  /** Connections that received a frame containing the marker. */
  connections: number;
  /** Frames that did: more than `connections` means duplicates. */
  frames: number;
  /** Epoch milliseconds of the first and last such frame; null before any. */
  firstAt: number | null;
  lastAt: number | null;
}

export class VirtualConnections {
  constructor(private readonly httpUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.httpUrl}/@virtual/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const answer = (await response.json()) as T & { message?: string };
    if (!response.ok) {
      throw new Error(`${method} /@virtual/${path}: ${response.status} ${answer.message ?? ''}`);
    }
    return answer;
  }

  /** Opens `count` connections through the authorizer and $connect (one token each, or one for all). */
  async open(
    count: number,
    auth: { token: string } | { tokens: string[] },
    concurrency = 64,
  ): Promise<{ connectionIds: string[]; refused: Record<string, number> }> {
    return this.call('POST', 'open', { count, ...auth, concurrency });
  }

  /** Sends `frame` as each connection, through route selection and the handlers. */
  send(connectionIds: string[], frame: unknown, concurrency = 64) {
    return this.call<{ sent: number; notOpen: number }>('POST', 'send', {
      connectionIds,
      frame: JSON.stringify(frame),
      concurrency,
    });
  }

  /** Closes them: each one's $disconnect runs. */
  close(connectionIds: string[], concurrency = 64) {
    return this.call<{ closed: number }>('POST', 'close', { connectionIds, concurrency });
  }

  /** Starts counting frames that contain `marker`, on every virtual connection. */
  async watch(marker: string): Promise<Watcher> {
    const { watcherId } = await this.call<{ watcherId: string }>('POST', 'watchers', { marker });
    return new Watcher(this, watcherId);
  }

  /** @internal */
  request<T>(method: string, path: string): Promise<T> {
    return this.call(method, path);
  }
}

export class Watcher {
  constructor(
    private readonly api: VirtualConnections,
    readonly id: string,
  ) {}

  snapshot(): Promise<WatchSnapshot> {
    return this.api.request('GET', `watchers/${this.id}`);
  }

  /** Resolves once `connections` have the frame, or after `timeoutMs` with what arrived. */
  until(connections: number, timeoutMs: number): Promise<WatchSnapshot> {
    return this.api.request(
      'GET',
      `watchers/${this.id}?connections=${connections}&timeoutMs=${timeoutMs}`,
    );
  }

  stop(): Promise<void> {
    return this.api.request('DELETE', `watchers/${this.id}`);
  }
}
