import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sqsEndpointOptions } from '../../../functions/runtime/queues.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/parley-fanout';

/** The host the SDK would send to with these options: the request stops before the wire. */
async function hostOf(options: ReturnType<typeof sqsEndpointOptions>): Promise<string> {
  const client = new SQSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...options,
  });
  let host = '';
  client.middlewareStack.add(
    (_next) => async (args) => {
      host = (args.request as { hostname: string }).hostname;
      throw new Error('stopped before sending');
    },
    { step: 'finalizeRequest', name: 'captureHost' },
  );
  await expect(
    client.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: '{}' })),
  ).rejects.toThrow('stopped before sending');
  client.destroy();
  return host;
}

describe('the SQS endpoint', () => {
  it("is the queue URL's own host when the function has NAT", async () => {
    expect(
      await hostOf(sqsEndpointOptions({ SQS_ENDPOINT: undefined, PARLEY_IPV6_EGRESS: false })),
    ).toBe('sqs.eu-west-1.amazonaws.com');
  });

  it('is the dual-stack endpoint when IPv6 is the only way out, whatever the queue URL says', async () => {
    expect(
      await hostOf(sqsEndpointOptions({ SQS_ENDPOINT: undefined, PARLEY_IPV6_EGRESS: true })),
    ).toBe('sqs.eu-west-1.api.aws');
  });

  it('is the configured one locally, IPv6 or not', async () => {
    const options = sqsEndpointOptions({
      PARLEY_IPV6_EGRESS: true,
      SQS_ENDPOINT: 'http://127.0.0.1:4566',
    });
    expect(await hostOf(options)).toBe('127.0.0.1');
  });
});

describe('Secrets Manager, reached over IPv6 in the lean profile', () => {
  it('has a dual-stack regional endpoint by its usual name, so it needs no setting', async () => {
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const resolve = (UseDualStack: boolean) =>
      new SecretsManagerClient({ region: 'eu-west-1' }).config.endpointProvider({
        Region: 'eu-west-1',
        UseDualStack,
        UseFIPS: false,
      }).url.hostname;
    expect(resolve(true)).toBe(resolve(false));
  });
});
