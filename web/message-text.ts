/**
 * A message's text cut into plain text, links and mentions, for render.ts to build as DOM
 * nodes: http(s) addresses become links and an `@name` that names you is highlighted. A
 * link's address is checked by `URL` to be http or https, so `javascript:` and the like
 * stay text. No DOM here, so the cutting is tested in Node.
 */

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'mention'; text: string };

/** An address candidate, or an @name (the server's user-id alphabet). */
const TOKEN = /\bhttps?:\/\/[^\s<>"]+|@[A-Za-z0-9_-]{1,64}/gi;
/** Punctuation that ends a sentence rather than an address. */
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** The text cut into plain text, links and mentions of `self`. Pure, for tests. */
export function segments(content: string, self: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (segment: Segment) => {
    const previous = out[out.length - 1];
    if (segment.kind === 'text' && previous?.kind === 'text') previous.text += segment.text;
    else out.push(segment);
  };
  for (const match of content.matchAll(TOKEN)) {
    let token = match[0];
    const at = match.index;
    if (token.startsWith('@')) {
      // Part of an e-mail address or of a longer word is not a mention.
      const before = at > 0 ? content[at - 1] : ' ';
      if (token.slice(1) !== self || (before !== undefined && /[\w@]/.test(before))) continue;
      push({ kind: 'text', text: content.slice(last, at) });
      push({ kind: 'mention', text: token });
    } else {
      token = token.replace(TRAILING, '');
      const href = safeHref(token);
      if (href === undefined) continue;
      push({ kind: 'text', text: content.slice(last, at) });
      push({ kind: 'link', text: token, href });
    }
    last = at + token.length;
  }
  push({ kind: 'text', text: content.slice(last) });
  return out.filter((segment) => segment.text !== '');
}

/** The address if it parses as http or https, else undefined. */
export function safeHref(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
