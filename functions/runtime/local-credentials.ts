/** Local endpoints (the dev gateway, dynalite) take any credentials; AWS uses the role's. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localCredentials(endpoint: string | undefined) {
  if (!endpoint || process.env.AWS_ACCESS_KEY_ID) return {};
  return /^http:\/\/(127\.|localhost|\[::1\])/.test(endpoint)
    ? { credentials: LOCAL_CREDENTIALS }
    : {};
}
