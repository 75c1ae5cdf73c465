/**
 * Creates the connections table where nothing else does (the dev server, the tests);
 * on AWS the CDK stack owns it. Same key schema and TTL attribute as the stack. Resolves
 * once the table is ACTIVE: a new table is CREATING for a while (dynalite flips it on a
 * timer and a LevelDB write after it has answered), and writes to it fail until then.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/** The connections table's key schema, as the CDK stack defines it. */
export function connectionsTableInput(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
  };
}

export async function ensureConnectionsTable(client: DynamoDBClient, tableName: string) {
  if ((await tableStatus(client, tableName)) === undefined) await createTable(client, tableName);
  const giveUpAt = Date.now() + ACTIVE_WAIT_MS;
  for (let pause = 10; (await tableStatus(client, tableName)) !== 'ACTIVE'; pause *= 2) {
    if (Date.now() > giveUpAt) throw new Error(`table ${tableName} did not become ACTIVE`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, 1_000)));
  }
}

/** How long to wait for a new table: DynamoDB takes seconds, dynalite a moment. */
const ACTIVE_WAIT_MS = 30_000;

async function tableStatus(client: DynamoDBClient, tableName: string) {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus ?? 'ACTIVE';
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function createTable(client: DynamoDBClient, tableName: string) {
  try {
    await client.send(new CreateTableCommand(connectionsTableInput(tableName)));
  } catch (error) {
    // Another process created it first.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
