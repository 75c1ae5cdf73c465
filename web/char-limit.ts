/**
 * The message length limit as the composer shows it: the server counts code points
 * (functions/core/frames.ts `countCharacters`), so this does too. No DOM, for tests.
 */

/** The server's MAX_MESSAGE_CHARS default; a server set lower still refuses, and says so. */
export const MAX_MESSAGE_CHARS = 4000;
/** The counter shows from this share of the limit on. */
const COUNT_FROM = 0.9;

export interface Counter {
  show: boolean;
  over: boolean;
  text: string;
}

/** What the counter says for `text`. Pure, for tests. */
export function counter(text: string, max = MAX_MESSAGE_CHARS): Counter {
  let length = 0;
  for (const _ of text) length++;
  const over = length > max;
  return {
    show: length >= Math.ceil(max * COUNT_FROM),
    over,
    text: over ? `${length - max} characters over the limit of ${max}` : `${length} / ${max}`,
  };
}
