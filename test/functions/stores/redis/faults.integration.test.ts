/**
 * Redis down, on the single-node and the Cluster client: every request is answered, from
 * the durable stores (a send is acked, history is read) or with `unavailable` (a join or
 * leave, whose cache write must not be lost), while Redis stays down, and requests work
 * again once it is back. Redis refuses connections, or accepts them and never answers
 * (SIGSTOP: only a timeout saves a request), from the cold start or mid-run; a cluster also
 * loses one master and fails over mid-test.
 *
 * No timing thresholds: a client that queued or waited forever would never answer, and
 * the test's own timeout fails it. How long answers take is measured in
 * docs/decisions/2026-12-06-stores-fail-fast.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient, Frame } from '../../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../../support/parley.js';
import {
  type LocalRedisCluster,
  type RedisProcess,
  startRedisCluster,
  startRedisServer,
} from '../../../support/redis-servers.js';
import { uid } from '../../../support/services.js';

/** Nothing listens here: connections are refused. */
const REFUSED = 'redis://127.0.0.1:1';
/** A cluster's start and failover take seconds, longer on a busy machine. */
const CLUSTER_TEST_TIMEOUT_MS = 60_000;

let parley: TestParley | undefined;
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await parley?.close();
  parley = undefined;
  for (const stop of stops.splice(0).reverse()) await stop();
});

interface Topology {
  name: string;
  cluster: boolean;
  /** Redis servers of the test's own, torn down after the test. */
  start(): Promise<{ url: string; nodes: RedisProcess[] }>;
}

async function ownCluster(): Promise<LocalRedisCluster> {
  const cluster = await startRedisCluster();
  stops.push(() => cluster.stop());
  return cluster;
}

const topologies: Topology[] = [
  {
    name: 'single node',
    cluster: false,
    async start() {
      const server = await startRedisServer();
      stops.push(() => server.stop());
      return { url: server.url, nodes: [server] };
    },
  },
  { name: 'Redis Cluster (3 masters, 3 replicas)', cluster: true, start: ownCluster },
];

async function startParley(topology: Topology, url: string): Promise<TestParley> {
  parley = await startTestParley({ REDIS_URL: url, REDIS_CLUSTER: String(topology.cluster) });
  return parley;
}

function expectCode(reply: Frame, code: string): void {
  expect(reply).toMatchObject({ type: 'error', code });
}

/** A connection not in `room` is told `forbidden`: read from DynamoDB, with Redis down. */
async function expectFallbackForStranger(client: ChatClient, room: string): Promise<void> {
  expectCode(await client.request({ action: 'get_history', roomId: room }), 'forbidden');
  const send = { action: 'send_message', roomId: room, content: 'hi' };
  expectCode(await client.request(send), 'forbidden');
}

/** With Redis down: a member's sends are acked and its history read, joins refused. */
async function expectServedWithoutRedis(client: ChatClient, room: string): Promise<void> {
  const content = `while down ${uid()}`;
  expect((await client.send(room, content)).content).toBe(content);
  const history = await client.request({ action: 'get_history', roomId: room });
  expect(history).toMatchObject({ type: 'room_history', roomId: room });
  expect((history.messages as { content: string }[]).map((m) => m.content)).toContain(content);
  expectCode(await client.join(uid()), 'unavailable');
  expectCode(await client.request({ action: 'leave_room', roomId: room }), 'unavailable');
}

/**
 * Joins until a join succeeds: the handlers' client reconnects on its own schedule, which
 * the test cannot observe, so it asks. A client that never recovers fails the test's
 * timeout.
 */
async function joinOnceBack(client: ChatClient, room: string): Promise<Frame> {
  for (;;) {
    const reply = await client.join(room);
    if (reply.type === 'room_history') return reply;
    expectCode(reply, 'unavailable');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(topologies)(
  'Redis down: $name',
  (topology) => {
    it('refused from the cold start: falls back, or answers unavailable', async () => {
      const alice = await (await startParley(topology, REFUSED)).connect('alice');
      const room = uid();
      expectCode(await alice.join(room), 'unavailable');
      // The DynamoDB half of the join was undone, and the fallback reads say so.
      await expectFallbackForStranger(alice, room);
      expectCode(await alice.request({ action: 'dance' }), 'unknown_action');
    });

    it('silent from the cold start (it accepts connections, never answers)', async () => {
      const { url, nodes } = await topology.start();
      for (const node of nodes) node.pause();
      const alice = await (await startParley(topology, url)).connect('alice');
      const room = uid();
      expectCode(await alice.join(room), 'unavailable');
      await expectFallbackForStranger(alice, room);
    });

    it('silent mid-run: served from the durable stores, then back when Redis is', async () => {
      const { url, nodes } = await topology.start();
      const alice = await (await startParley(topology, url)).connect('alice');
      const room = uid();
      expect(await alice.join(room)).toMatchObject({ type: 'room_history' });
      await alice.send(room, 'before');

      for (const node of nodes) node.pause();
      await expectServedWithoutRedis(alice, room);

      for (const node of nodes) node.resume();
      const rejoined = await joinOnceBack(alice, uid());
      expect(rejoined).toMatchObject({ type: 'room_history' });
      expect((await alice.send(room, 'after')).content).toBe('after');
    });
  },
  CLUSTER_TEST_TIMEOUT_MS,
);

describe('Redis Cluster: a master fails mid-test and its replica takes over', () => {
  for (const failure of ['killed', 'frozen'] as const) {
    it(
      `answers while the master of the room's slot is ${failure}, and works after the failover`,
      async () => {
        const cluster = await ownCluster();
        const topology = topologies[1]!;
        const alice = await (await startParley(topology, cluster.url)).connect('alice');
        const bob = await parley!.connect('bob');
        const room = uid();
        expect(await alice.join(room)).toMatchObject({ type: 'room_history' });
        expect(await bob.join(room)).toMatchObject({ type: 'room_history' });
        const acked = [(await alice.send(room, 'before')).seq];

        const master = await cluster.masterOf(`{r:${room}}`);
        if (failure === 'killed') await master.kill();
        else master.pause();
        // During the failover: every request is answered, from the durable stores or with
        // `unavailable`; none waits for the cluster to recover.
        const during = await alice.request({
          action: 'send_message',
          roomId: room,
          content: 'during',
        });
        if (during.type === 'ack') acked.push((during.message as { seq: number }).seq);
        else expectCode(during, 'unavailable');
        const read = await bob.request({ action: 'get_history', roomId: room });
        if (read.type !== 'room_history') expectCode(read, 'unavailable');

        await cluster.settled();
        expect(await cluster.masterOf(`{r:${room}}`)).not.toBe(master);
        const carol = await parley!.connect('carol');
        const joined = await joinOnceBack(carol, room);
        // The join reads history knowing the room's last seq: nothing acked is missing.
        const seqs = (joined.messages as { seq: number }[]).map((m) => m.seq);
        expect(seqs).toEqual(expect.arrayContaining(acked));
        const after = await alice.send(room, 'after');
        expect((await carol.next((f) => f.type === 'new_message')).message).toEqual(after);
        if (failure === 'frozen') master.resume();
      },
      CLUSTER_TEST_TIMEOUT_MS,
    );
  }
});
