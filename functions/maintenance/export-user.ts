/**
 * Writes everything the record holds about a user as one JSON document, page by page, to
 * a stream: `{ userId, exportedAt, memberships: [...], messages: [...], reactions: [...],
 * audit: [...] }`.
 * Only one page is in memory at a time, and each write waits for the stream to drain, so a
 * user with millions of messages exports in constant memory.
 */
import type { Writable } from 'node:stream';
import type { PostgresExportStore, ReactionKey } from '../stores/postgres/export-store.js';
import type { ScanCursor } from '../stores/postgres/message-scan.js';

export interface ExportOptions {
  /** Rows a page of memberships or audit entries holds. */
  pageSize: number;
  /** Messages (of anyone) one statement scans at most. */
  chunkRows: number;
  now?: Date;
}

export interface ExportCounts {
  memberships: number;
  messages: number;
  reactions: number;
  audit: number;
}

type Store = Pick<PostgresExportStore, 'memberships' | 'messages' | 'reactions' | 'auditEntries'>;

function writeText(out: Writable, text: string): Promise<void> {
  if (out.write(text)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** Writes a JSON array one page at a time; answers how many items it wrote. */
async function writeArray<T>(
  out: Writable,
  name: string,
  pages: AsyncIterable<readonly T[]>,
): Promise<number> {
  await writeText(out, `,\n  ${JSON.stringify(name)}: [`);
  let count = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const items = page.map((item) => `\n    ${JSON.stringify(item)}`).join(',');
    await writeText(out, (count > 0 ? ',' : '') + items);
    count += page.length;
  }
  await writeText(out, count > 0 ? '\n  ]' : ']');
  return count;
}

/** Pages read by key after the last item of the page before, until a short page. */
function keysetPages<T, K>(
  read: (after: K) => Promise<readonly T[]>,
  start: K,
  keyOf: (item: T) => K,
  pageSize: number,
): AsyncIterable<readonly T[]> {
  return {
    async *[Symbol.asyncIterator]() {
      let after = start;
      for (;;) {
        const page = await read(after);
        yield page;
        const last = page.at(-1);
        if (last === undefined || page.length < pageSize) return;
        after = keyOf(last);
      }
    },
  };
}

export async function exportUser(
  store: Store,
  userId: string,
  out: Writable,
  options: ExportOptions,
): Promise<ExportCounts> {
  const { pageSize, chunkRows } = options;
  const exportedAt = (options.now ?? new Date()).toISOString();
  await writeText(
    out,
    `{\n  "userId": ${JSON.stringify(userId)},\n  "exportedAt": ${JSON.stringify(exportedAt)}`,
  );
  const memberships = await writeArray(
    out,
    'memberships',
    keysetPages(
      (after: string) => store.memberships(userId, after, pageSize),
      '',
      (m) => m.roomId,
      pageSize,
    ),
  );
  const messages = await writeArray(out, 'messages', {
    async *[Symbol.asyncIterator]() {
      let from: ScanCursor | undefined;
      do {
        const chunk = await store.messages(userId, from, chunkRows);
        yield chunk.messages;
        from = chunk.next;
      } while (from !== undefined);
    },
  });
  const reactions = await writeArray(
    out,
    'reactions',
    keysetPages(
      (after: ReactionKey | undefined) => store.reactions(userId, after, pageSize),
      undefined,
      ({ roomId, seq, emoji }): ReactionKey | undefined => ({ roomId, seq, emoji }),
      pageSize,
    ),
  );
  const audit = await writeArray(
    out,
    'audit',
    keysetPages(
      (after: number) => store.auditEntries(userId, after, pageSize),
      0,
      (e) => e.id,
      pageSize,
    ),
  );
  await writeText(out, '\n}\n');
  return { memberships, messages, reactions, audit };
}
