/** Many users in one room at once, for tests of what a big room's replies hold. */
import { expect } from 'vitest';
import type { ChatClient } from './chat-client.js';
import type { TestParley } from './parley.js';

/** The user id of the crowd's `i`th member. */
export const crowdUser = (i: number) => `crowd-${String(i).padStart(3, '0')}`;

/**
 * Connects `size` users and joins each to `room`, a few at a time (each join posts a
 * presence frame to everyone already there). Close them with `Promise.all(map(close))`.
 */
export async function joinCrowd(parley: TestParley, room: string, size: number) {
  const crowd: ChatClient[] = [];
  for (let first = 0; first < size; first += 10) {
    const batch = Array.from({ length: Math.min(10, size - first) }, async (_, k) => {
      const user = await parley.connect(crowdUser(first + k));
      // As a client would: a join can miss a store's deadline on a loaded machine.
      expect(await user.joinWhenAvailable(room)).toMatchObject({ type: 'room_history' });
      return user;
    });
    crowd.push(...(await Promise.all(batch)));
  }
  return crowd;
}
