/**
 * The ConnectionSender contract on the tests' fake: every action and handler test that
 * uses `fakeWorld()` stands on it answering as PostToConnection does. The fake has no
 * gateway behind it: every id is open until the test marks it gone.
 */
import { RecordingSender } from '../../../support/fakes.js';
import { uid } from '../../../support/services.js';
import { senderContract } from './sender.contract.js';

senderContract('recording fake (test/support/fakes.ts)', async ({ throttled }) => {
  const sender = new RecordingSender();
  return [
    {
      sender,
      async open() {
        const id = uid('c');
        if (throttled) sender.retrying.add(id);
        return id;
      },
      async close(id) {
        sender.gone.add(id);
      },
      async received(id) {
        return [...(sender.sent.get(id) ?? [])];
      },
    },
    async () => {},
  ];
});
