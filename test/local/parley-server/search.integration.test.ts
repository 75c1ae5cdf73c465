/**
 * search_messages end to end (protocol v2, "Search"): real WebSocket clients, the local
 * gateway, PostgreSQL (migration 8's index), Redis and DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END as E, HIGHLIGHT_START as S } from '../../../functions/core/search-frames.js';
import type { SearchResult } from '../../../functions/core/server-frames.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const results = (frame: Record<string, unknown>) => (frame.results ?? []) as SearchResult[];

describe('search_messages through the gateway', () => {
  it("finds the user's own rooms' messages, English and Chinese, page by page", async () => {
    const [aliceId, bobId] = [uid('alice'), uid('bob')];
    const alice = await parley.connect(aliceId);
    const bob = await parley.connect(bobId);
    const [shared, secret] = [uid(), uid()];
    await alice.join(shared);
    await bob.join(shared);
    await alice.request({ action: 'create_room', roomId: secret, visibility: 'private' });
    await alice.join(secret);
    await alice.send(shared, 'the launch review is on monday');
    await alice.send(shared, '我们明天在北京开会');
    await alice.send(secret, 'the launch codes are secret');
    await alice.send(shared, 'launch party after the launch');

    const asBob = await bob.request({ action: 'search_messages', query: 'launch', limit: 1 });
    expect(asBob.type).toBe('search_results');
    expect(results(asBob).map((r) => r.message.content)).toEqual(['launch party after the launch']);
    expect(results(asBob)[0]?.highlight).toBe(`${S}launch${E} party after the ${S}launch${E}`);
    const next = await bob.request({
      action: 'search_messages',
      query: 'launch',
      limit: 1,
      cursor: asBob.cursor,
    });
    // Bob is not in the private room: its message never shows, and the pages end here.
    expect(results(next).map((r) => r.message.content)).toEqual(['the launch review is on monday']);
    expect(next.cursor).toBeUndefined();

    const chinese = await bob.request({ action: 'search_messages', query: '北京', roomId: shared });
    expect(results(chinese).map((r) => r.highlight)).toEqual([`我们明天在${S}北京${E}开会`]);

    const refused = await bob.request({
      action: 'search_messages',
      query: 'launch',
      roomId: secret,
    });
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
    const badCursor = await bob.request({ action: 'search_messages', query: 'x', cursor: 'nope' });
    expect(badCursor).toMatchObject({ type: 'error', code: 'bad_request' });
    const empty = await bob.request({ action: 'search_messages', query: '   ' });
    expect(empty).toMatchObject({ type: 'error', code: 'bad_request' });

    const asAlice = await alice.request({ action: 'search_messages', query: 'launch' });
    expect(results(asAlice)).toHaveLength(3);
  });
});
