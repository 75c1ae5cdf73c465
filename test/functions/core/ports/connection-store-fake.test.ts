/**
 * The ConnectionStore contract on the tests' fake: every action and handler test that
 * uses `fakeWorld()` stands on it behaving as DynamoDB does.
 */
import { FakeConnectionStore } from '../../../support/fakes.js';
import { connectionStoreContract } from './connection-store.contract.js';

connectionStoreContract('in-memory fake (test/support/fakes.ts)', async () => [
  new FakeConnectionStore(),
  async () => {},
]);
