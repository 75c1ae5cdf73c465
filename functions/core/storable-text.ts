/**
 * Text the stores keep exactly as sent. PostgreSQL stores UTF-8: a lone UTF-16 surrogate
 * has no UTF-8 form, so the driver writes U+FFFD in its place (the stored message, or id,
 * differs from the acked one, and two ids that differ only there collide), and `text`
 * cannot hold U+0000 at all. Such text is refused at the edge instead.
 */

/** With the `u` flag a surrogate range matches only surrogates that are not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why `text` cannot be stored as it is, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (no lone surrogate)';
  return undefined;
}

export function isStorableText(text: string): boolean {
  return unstorableReason(text) === undefined;
}
