/**
 * dynalite 4.0.0 turns its level iterators into streams and, when a stream ends or is
 * destroyed, closes the iterator with `iterator.return()` if it has one. abstract-level 3's
 * iterators have `close()` and no `return()`, so every Query and Scan left its iterator
 * open: kept in the db's resource set, with its native LevelDB iterator (and the memtable
 * and files it pins). `npm run dev`'s heap and RSS grew with every `$disconnect` (see
 * docs/decisions/2026-12-06-faults-and-fuzz.md). Giving the iterators the `return()`
 * dynalite looks for closes them where dynalite meant to; a later dynalite or
 * abstract-level that has its own is left alone.
 */
import { createRequire } from 'node:module';

interface IteratorClass {
  prototype: { close(): Promise<void>; return?: () => Promise<void> };
}

/** The part of abstract-level this file (and its test) uses. */
export interface AbstractLevelModule {
  AbstractLevel: {
    prototype: { attachResource(resource: object): void; detachResource(resource: object): void };
  };
  AbstractIterator: IteratorClass;
  AbstractKeyIterator: IteratorClass;
  AbstractValueIterator: IteratorClass;
}

/** Every copy of abstract-level dynalite's backends load (level on disk, memory-level). */
export function abstractLevelCopies(): Set<AbstractLevelModule> {
  const dynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const level = createRequire(dynalite.resolve('level'));
  const backends = [level.resolve('classic-level'), dynalite.resolve('memory-level')];
  return new Set(
    backends.map((backend) => createRequire(backend)('abstract-level') as AbstractLevelModule),
  );
}

/** Idempotent; returns how many iterator classes it gave a `return()` (0 the second time). */
export function closeLevelIteratorsOnReturn(): number {
  let patched = 0;
  for (const level of abstractLevelCopies()) {
    for (const Iterator of [
      level.AbstractIterator,
      level.AbstractKeyIterator,
      level.AbstractValueIterator,
    ]) {
      if (typeof Iterator.prototype.return === 'function') continue;
      Object.defineProperty(Iterator.prototype, 'return', {
        value(this: { close(): Promise<void> }) {
          return this.close();
        },
        writable: true,
        configurable: true,
      });
      patched += 1;
    }
  }
  return patched;
}
