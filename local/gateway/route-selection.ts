/**
 * Route selection with the expression `$request.body.action`, as API Gateway evaluates it.
 */

/**
 * The route key for one client message: the body's `action` when the body is a JSON object
 * whose `action` is a string naming a configured route, else `$default` when configured,
 * else `undefined` (AWS then answers with its `Forbidden` frame). `$connect` and
 * `$disconnect` are never selected by a message.
 */
export function selectRoute(body: string, routeKeys: ReadonlySet<string>): string | undefined {
  const action = actionOf(body);
  if (
    action !== undefined &&
    action !== '$connect' &&
    action !== '$disconnect' &&
    routeKeys.has(action)
  ) {
    return action;
  }
  return routeKeys.has('$default') ? '$default' : undefined;
}

function actionOf(body: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined; // not JSON: AWS falls back to $default
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const action: unknown = (parsed as Record<string, unknown>).action;
  return typeof action === 'string' ? action : undefined;
}
