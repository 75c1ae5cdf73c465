/**
 * PostgreSQL on RDS: a pinned engine version, encrypted storage, automated backups,
 * deletion protection (once deployed, see deletion-protection.ts) and a snapshot on
 * delete in production, generated credentials in Secrets Manager (rotated where the
 * profile has NAT), TLS forced. With a proxy (standard, ha) the Lambdas talk to RDS Proxy
 * only: it pools their many short-lived connections and shortens a failover. Without one
 * (lean) they talk to the instance, over TLS verified against RDS's CA.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  InstanceType,
  type ISecurityGroup,
  type IVpc,
  Port,
  SecurityGroup,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CaCertificate,
  Credentials,
  DatabaseInstance,
  DatabaseInstanceEngine,
  type DatabaseProxy,
  PostgresEngineVersion,
  StorageType,
} from 'aws-cdk-lib/aws-rds';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface DatabaseProps {
  vpc: IVpc;
  stageName: string;
  /** The functions' security group: let through to the proxy, and nothing else is. */
  clients: ISecurityGroup;
  logRetention: RetentionDays;
  instanceType: string;
  allocatedStorageGiB: number;
  multiAz: boolean;
  backupRetentionDays: number;
  production: boolean;
  /** RDS Proxy in front (else the functions connect to the instance). */
  proxy: boolean;
  /** Rotate the password every 30 days (its function needs NAT egress). */
  rotation: boolean;
  performanceInsights: boolean;
}

/** Where the functions connect: the proxy, or the instance itself. */
export interface DatabaseEndpoint {
  host: string;
  port: number;
  /** True when it is the instance: its certificate is signed by RDS's own CA. */
  direct: boolean;
}

/** Pinned: an engine upgrade is a deliberate change, never a side effect of a deploy. */
export const POSTGRES_VERSION = PostgresEngineVersion.VER_17_9;
export const DATABASE_NAME = 'parley';
/** A non-default port: one less thing a scanner inside the VPC finds by guessing. */
export const DATABASE_PORT = 5433;
/**
 * The RDS CA certificates the Lambda Node.js runtimes ship, which Node loads only when
 * NODE_EXTRA_CA_CERTS names them (AWS Lambda's guide, "Node.js runtime": TLS to RDS).
 */
export const RDS_CA_BUNDLE = '/var/runtime/ca-cert.pem';
/** RDS Proxy always listens on the engine's default port, whatever the instance's. */
export const PROXY_PORT = 5432;

export class Database extends Construct {
  readonly instance: DatabaseInstance;
  readonly proxy?: DatabaseProxy;
  readonly endpoint: DatabaseEndpoint;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const proxySg = props.proxy
      ? new SecurityGroup(this, 'ProxySg', {
          vpc: props.vpc,
          description: 'RDS Proxy for Parley',
          // Only to the database: addProxy opens proxy -> instance on the instance's port.
          allowAllOutbound: false,
        })
      : undefined;
    const dbSg = new SecurityGroup(this, 'DbSg', {
      vpc: props.vpc,
      description: 'Parley PostgreSQL',
      allowAllOutbound: false,
    });
    // Both directions: ingress on the proxy (or the instance), egress on the functions' group.
    if (proxySg) {
      proxySg.connections.allowFrom(props.clients, Port.tcp(PROXY_PORT), 'functions to proxy');
    } else {
      dbSg.connections.allowFrom(props.clients, Port.tcp(DATABASE_PORT), 'functions to database');
    }

    this.instance = new DatabaseInstance(this, 'Instance', {
      engine: DatabaseInstanceEngine.postgres({ version: POSTGRES_VERSION }),
      instanceType: new InstanceType(props.instanceType),
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSg],
      port: DATABASE_PORT,
      databaseName: DATABASE_NAME,
      credentials: Credentials.fromGeneratedSecret('parley_admin'),
      allocatedStorage: props.allocatedStorageGiB,
      maxAllocatedStorage: props.allocatedStorageGiB * 5,
      storageType: StorageType.GP3,
      storageEncrypted: true,
      multiAz: props.multiAz,
      caCertificate: CaCertificate.RDS_CA_RSA2048_G1,
      iamAuthentication: true,
      backupRetention: Duration.days(props.backupRetentionDays),
      // Production's protection is switched on once a deploy has succeeded
      // (deletion-protection.ts), so that a failed first deploy can still roll back.
      deletionProtection: props.production ? undefined : false,
      removalPolicy: props.production ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      cloudwatchLogsExports: ['postgresql'],
      cloudwatchLogsRetention: props.logRetention,
      enablePerformanceInsights: props.performanceInsights,
      autoMinorVersionUpgrade: false,
      parameters: { 'rds.force_ssl': '1' },
    });
    // The rotation function calls the Secrets Manager API, so it runs where NAT egress is.
    if (props.production) {
      NagSuppressions.addResourceSuppressions(this.instance, [
        {
          id: 'AwsSolutions-RDS10',
          reason:
            'Deletion protection is switched on by the DeletionProtectionOnceDeployed ' +
            'custom resource once the deploy has succeeded, so a failed first deploy can ' +
            'still delete the new instance when it rolls back.',
        },
      ]);
    } else {
      NagSuppressions.addResourceSuppressions(this.instance, [
        { id: 'AwsSolutions-RDS10', reason: 'Non-production stages are meant to be torn down.' },
      ]);
    }
    if (!props.multiAz) {
      NagSuppressions.addResourceSuppressions(this.instance, [
        {
          id: 'AwsSolutions-RDS3',
          reason:
            "A single AZ is the lean profile's choice (or a non-production stage's): half " +
            'the instance cost, for a failover that is a reboot or a restore instead of a ' +
            'standby taking over (docs/deploy.md, "Profiles").',
        },
      ]);
    }
    if (props.rotation) this.rotate();
    else {
      NagSuppressions.addResourceSuppressions(
        this.instance,
        [
          {
            id: 'AwsSolutions-SMG4',
            reason:
              'The lean profile has no NAT, and the rotation function (from the Serverless ' +
              'Application Repository) reaches Secrets Manager over IPv4 only. Rotate by ' +
              'changing the password and the secret together (docs/deploy.md), or deploy with ' +
              'NAT and parley:databaseSecretRotation=true.',
          },
        ],
        true,
      );
    }

    this.proxy = proxySg
      ? this.instance.addProxy('Proxy', {
          // Proxy names are unique per account and region: one per stage.
          dbProxyName: `parley-${props.stageName}`,
          // Leave room for rotation and administrators beside the functions' pools.
          maxConnectionsPercent: 90,
          secrets: [this.instance.secret!],
          vpc: props.vpc,
          vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
          securityGroups: [proxySg],
          requireTLS: true,
          iamAuth: false,
          debugLogging: false,
        })
      : undefined;
    this.endpoint = this.proxy
      ? { host: this.proxy.endpoint, port: PROXY_PORT, direct: false }
      : { host: this.instance.dbInstanceEndpointAddress, port: DATABASE_PORT, direct: true };
  }

  private rotate(): void {
    this.instance.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      // CloudFormation would otherwise rotate as soon as the schedule is created or changed:
      // on a first deploy, while the migration and the functions first connect. The first
      // rotation comes with the schedule instead.
      rotateImmediatelyOnUpdate: false,
    });
  }
}
