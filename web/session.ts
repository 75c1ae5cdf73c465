/**
 * Who the tab is signed in as and which room it shows, kept per tab (sessionStorage) so two
 * tabs can be two people and a reload rejoins as the same one; and the dev server's token
 * for a name (`/dev-token`, dev only: on AWS a token comes from your identity provider).
 */

export const NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Per tab, so two tabs can be two people, and a reload rejoins as the same one. */
const SESSION_KEY = 'parley:session';

export interface Session {
  name: string;
  room: string;
}

export function readSession(): Session | undefined {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null');
    if (typeof value !== 'object' || value === null) return undefined;
    const { name, room } = value as Record<string, unknown>;
    if (typeof name !== 'string' || typeof room !== 'string') return undefined;
    // A DM's id is longer than a name; the server checks what the page may not.
    if (!NAME_PATTERN.test(name) || room === '' || room.length > 128) return undefined;
    return { name, room };
  } catch {
    return undefined; // storage blocked or garbage: just ask again
  }
}

export function saveSession(session: Session): void {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  } catch {
    // Storage blocked: the page works, a reload just asks again.
  }
}

export async function fetchToken(name: string): Promise<string> {
  const response = await fetch(`/dev-token?user=${encodeURIComponent(name)}`);
  const body: unknown = await response.json().catch(() => undefined);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (!response.ok || typeof fields.token !== 'string') {
    const message = typeof fields.message === 'string' ? fields.message : response.statusText;
    throw new Error(`Could not sign in: ${message}`);
  }
  return fields.token;
}

export function forgetSession(): void {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Nothing stored to forget.
  }
}
