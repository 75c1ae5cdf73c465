/**
 * Secrets from AWS Secrets Manager, through Powertools Parameters (its default provider
 * and cache). A secret that cannot be read becomes one of two errors: the service could
 * not be reached or failed (`unavailable`: retrying later may work), or the secret is
 * missing, forbidden or malformed (a plain error, `internal`: a deployment mistake).
 */
import { TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ChatError } from '../core/errors.js';

/** Secrets Manager could not be reached or failed; the client is told to retry later. */
export class SecretUnavailableError extends ChatError {
  constructor(options?: { cause?: unknown }) {
    super('unavailable', 'Parley is temporarily unavailable; retry later', options);
  }
}

interface AwsError {
  name?: string;
  $fault?: 'client' | 'server';
}

/** A request Secrets Manager refused for a reason retrying will not fix. */
function isPermanent(error: unknown): boolean {
  const e = error as AwsError | null | undefined;
  if (e?.$fault !== 'client') return false;
  return !/thrott|toomanyrequests|limitexceeded/i.test(e.name ?? '');
}

function describe(arn: string): string {
  // The ARN names the secret; it holds nothing secret itself.
  return `secret ${arn}`;
}

/** How long a secret read stays in the Powertools cache (the runtime itself reads once). */
const MAX_AGE_SECONDS = 300;

export interface SecretReadOptions {
  /** Read Secrets Manager itself, past the cache (which then holds the fresh value). */
  fresh?: boolean;
}

async function fetchSecret(
  arn: string,
  transform?: 'json',
  { fresh = false }: SecretReadOptions = {},
): Promise<unknown> {
  try {
    return await getSecret(arn, {
      maxAge: MAX_AGE_SECONDS,
      ...(transform ? { transform } : {}),
      ...(fresh ? { forceFetch: true } : {}),
    });
  } catch (error) {
    if (error instanceof TransformParameterError) {
      // No cause: JSON.parse's message quotes the text, which is the secret.
      throw new Error(`${describe(arn)} is not JSON`);
    }
    const cause = (error as { cause?: unknown }).cause ?? error;
    if (isPermanent(cause)) {
      throw new Error(`Could not read ${describe(arn)}: ${String(cause)}`, { cause: error });
    }
    throw new SecretUnavailableError({ cause: error });
  }
}

/** The SecretString of a secret, as it is. */
export async function readSecretString(arn: string): Promise<string> {
  const value = await fetchSecret(arn);
  if (typeof value === 'string' && value.length > 0) return value;
  if (value instanceof Uint8Array && value.length > 0) return Buffer.from(value).toString('utf8');
  throw new Error(`${describe(arn)} has no value`);
}

/** A secret whose SecretString is a JSON object (Powertools' `json` transform). */
export async function readJsonSecret(
  arn: string,
  options?: SecretReadOptions,
): Promise<Record<string, unknown>> {
  const value = await fetchSecret(arn, 'json', options);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${describe(arn)} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A string field of a JSON secret; `required` ones must be non-empty. */
export function secretField(
  secret: Record<string, unknown>,
  field: string,
  arn: string,
  required: true,
): string;
export function secretField(
  secret: Record<string, unknown>,
  field: string,
  arn: string,
  required?: false,
): string | undefined;
export function secretField(
  secret: Record<string, unknown>,
  field: string,
  arn: string,
  required = false,
): string | undefined {
  const value = secret[field];
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  if (required) throw new Error(`${describe(arn)} has no "${field}"`);
  return undefined;
}
