/**
 * Who "you" are, for what the SDK decides per user (your own messages move your read
 * cursor, your own typing and receipts are not others'). The server knows it from the
 * token; the SDK reads the same token's `sub` claim without checking it (the server does),
 * and otherwise learns it from the first acked send.
 */

/** The `sub` claim of a JWT, or undefined when `token` is not one. */
export function userIdOfToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims !== 'object' || claims === null || !('sub' in claims)) return undefined;
    return typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
