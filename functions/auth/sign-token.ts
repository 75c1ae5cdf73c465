/** Mints HS256 dev tokens (`npm run token`, tests, the dev server's sample command). */
import { SignJWT } from 'jose';

export async function signDevToken(
  secret: string,
  userId: string,
  options: { name?: string; expiresIn?: string | number } = {},
): Promise<string> {
  return new SignJWT(options.name ? { name: options.name } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '12h')
    .sign(new TextEncoder().encode(secret));
}
