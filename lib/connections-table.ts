/**
 * The connections table: on demand, TTL on `expiresAt` (API Gateway ends connections at
 * 2 hours and $disconnect is best-effort), point-in-time recovery, encrypted.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

export class ConnectionsTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: { production: boolean }) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      deletionProtection: props.production,
      // Connections are ephemeral; the table itself holds nothing that outlives 2 hours.
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
