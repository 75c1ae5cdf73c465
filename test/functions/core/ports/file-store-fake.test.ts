/** The tests' fake object storage keeps the FileStore contract the S3 adapter keeps. */
import { FakeFileStore } from '../../../support/fake-files.js';
import { fileStoreContract } from './file-store.contract.js';

fileStoreContract('the fake', async () => {
  const store = new FakeFileStore();
  return [{ store, put: (url, headers, bytes) => store.put(url, headers, bytes) }, async () => {}];
});
