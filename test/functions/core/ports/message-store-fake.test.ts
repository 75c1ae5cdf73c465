/**
 * The MessageStore contract on the tests' fake: every action and handler test that uses
 * `fakeWorld()` stands on it behaving as PostgreSQL does.
 */
import { FakeMessageStore } from '../../../support/fakes.js';
import { messageStoreContract } from './message-store.contract.js';

messageStoreContract('in-memory fake (test/support/fakes.ts)', async () => {
  const store = new FakeMessageStore();
  return [
    {
      store,
      makePrivate: async (roomId) => store.makePrivate(roomId),
      ban: async (roomId, userId) => store.ban(roomId, userId),
      remove: async (roomId, userId) => store.remove(roomId, userId),
      encrypt: async (roomId) => store.encrypt(roomId),
    },
    async () => {},
  ];
});
