/** The RoomStore contract on the tests' fake, with the fake message store over the same rooms. */
import { FakeRoomStore } from '../../../support/fake-rooms.js';
import { FakeMessageStore } from '../../../support/fakes.js';
import { roomStoreContract } from './room-store.contract.js';

roomStoreContract('in-memory fake (test/support/fake-rooms.ts)', async () => {
  const messages = new FakeMessageStore();
  // The fake's clock stands still; the contract's expiries are relative to the real one.
  messages.state.clock.now = Date.now();
  return [{ rooms: new FakeRoomStore(messages.state), messages }, async () => {}];
});
