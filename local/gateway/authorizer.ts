/**
 * The $connect REQUEST authorizer: identity sources, invocation, and the policy evaluation
 * that turns its answer into "connect" or an HTTP status for the refused handshake.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type {
  AuthorizerContext,
  RequestAuthorizerHandler,
} from '../../functions/shared/apigw-events.js';
import type { HandshakeRequest } from './events.js';

export type AuthorizerOutcome =
  | { allowed: true; context: AuthorizerContext }
  | { allowed: false; status: 401 | 403 | 500; error?: unknown; refusal?: string };

/**
 * True when every identity source is present and non-empty. AWS answers 401 without invoking
 * the authorizer when one is missing. Supported: `route.request.querystring.NAME` and
 * `route.request.header.NAME` (header names compare case-insensitively).
 */
export function hasIdentitySources(sources: readonly string[], request: HandshakeRequest): boolean {
  return sources.every((source) => {
    const query = /^route\.request\.querystring\.(.+)$/.exec(source)?.[1];
    if (query !== undefined) return Boolean(request.queryStringParameters?.[query]);
    const header = /^route\.request\.header\.(.+)$/.exec(source)?.[1]?.toLowerCase();
    if (header !== undefined) {
      return Object.entries(request.headers).some(
        ([name, value]) => name.toLowerCase() === header && value !== '',
      );
    }
    return true; // stage variables and context sources are always present locally
  });
}

/**
 * Invokes the authorizer (through `invoke`, which runs it as a Lambda invocation) and
 * evaluates its answer. A failed invocation, a timed-out one included, refuses with 500.
 */
export async function runAuthorizer(
  invoke: (event: Parameters<RequestAuthorizerHandler>[0]) => Promise<APIGatewayAuthorizerResult>,
  event: Parameters<RequestAuthorizerHandler>[0],
): Promise<AuthorizerOutcome> {
  let result: APIGatewayAuthorizerResult;
  try {
    result = await invoke(event);
  } catch (error) {
    // The Lambda authorizer convention: throwing exactly 'Unauthorized' means 401.
    if (error instanceof Error && error.message === 'Unauthorized') {
      const refusal = refusalOf(error);
      return { allowed: false, status: 401, ...(refusal === undefined ? {} : { refusal }) };
    }
    return { allowed: false, status: 500, error };
  }
  if (!isWellFormed(result)) {
    return { allowed: false, status: 500, error: new Error('Malformed authorizer response') };
  }
  if (!allows(result, event.methodArn)) return { allowed: false, status: 403 };
  return { allowed: true, context: { ...(result.context ?? {}), principalId: result.principalId } };
}

/**
 * Why the authorizer refused, when it says (`refusal` on its 'Unauthorized' error): a local
 * extension, sent back as the `X-Parley-Refusal` header. Printable ASCII only and bounded,
 * since it goes into an HTTP header.
 */
function refusalOf(error: Error): string | undefined {
  const refusal: unknown = (error as { refusal?: unknown }).refusal;
  if (typeof refusal !== 'string') return undefined;
  const clean = refusal.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  return clean === '' ? undefined : clean;
}

function isWellFormed(result: unknown): result is APIGatewayAuthorizerResult {
  if (typeof result !== 'object' || result === null) return false;
  const { principalId, policyDocument } = result as Partial<APIGatewayAuthorizerResult>;
  return (
    typeof principalId === 'string' &&
    typeof policyDocument === 'object' &&
    policyDocument !== null &&
    Array.isArray(policyDocument.Statement)
  );
}

/**
 * IAM evaluation reduced to what an authorizer policy uses: an explicit Deny on the method
 * ARN wins, otherwise an Allow on it is needed. Resources may use `*` and `?` wildcards.
 * Actions are not checked (authorizer policies grant `execute-api:Invoke`).
 */
function allows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  let allowed = false;
  for (const statement of result.policyDocument.Statement) {
    const resource: unknown = 'Resource' in statement ? statement.Resource : undefined;
    const resources = Array.isArray(resource) ? resource : [resource];
    const matches = resources.some((r) => typeof r === 'string' && arnMatches(r, methodArn));
    if (!matches) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

function arnMatches(pattern: string, arn: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replaceAll('*', '.*').replaceAll('?', '.')}$`).test(arn);
}
