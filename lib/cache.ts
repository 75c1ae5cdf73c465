/**
 * Redis-compatible cache: ElastiCache Serverless (Valkey), which is cluster-mode with TLS
 * in transit always on, encrypted at rest with a customer-managed KMS key, and access
 * limited to one user whose password lives in Secrets Manager (the built-in `default`
 * user is switched off). aws-cdk-lib has only the L1 constructs for it.
 */
import { Stack } from 'aws-cdk-lib';
import { type IVpc, Port, SecurityGroup, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache, CfnUser, CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface CacheProps {
  vpc: IVpc;
  stageName: string;
  maxDataGiB: number;
  maxEcpuPerSecond: number;
}

export const CACHE_USER = 'parley';
const CACHE_PORT = 6379;

export class Cache extends Construct {
  readonly cache: CfnServerlessCache;
  readonly credentials: Secret;
  readonly clientSecurityGroup: SecurityGroup;
  /** `rediss://host:port`, for REDIS_URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    const name = `parley-${props.stageName}-${Stack.of(this).stackName}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40);

    this.credentials = new Secret(this, 'Credentials', {
      description: 'Parley cache user (ElastiCache RBAC)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: CACHE_USER }),
        generateStringKey: 'password',
        // ElastiCache passwords: 16-128 printable characters, no spaces, quotes or @.
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    const defaultUser = new CfnUser(this, 'DefaultUser', {
      engine: 'valkey',
      userId: `${name}-default`.slice(0, 40),
      userName: 'default',
      accessString: 'off -@all',
      noPasswordRequired: true,
    });
    const appUser = new CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: `${name}-app`.slice(0, 40),
      userName: CACHE_USER,
      accessString: 'on ~* +@all -@dangerous',
      passwords: [this.credentials.secretValueFromJson('password').unsafeUnwrap()],
    });
    const userGroup = new CfnUserGroup(this, 'Users', {
      engine: 'valkey',
      userGroupId: `${name}-users`.slice(0, 40),
      userIds: [defaultUser.userId, appUser.userId],
    });
    // The group names its users by id strings, not references: order them explicitly.
    userGroup.node.addDependency(defaultUser, appUser);

    this.clientSecurityGroup = new SecurityGroup(this, 'ClientSg', {
      vpc: props.vpc,
      description: 'Parley functions that use the cache',
      allowAllOutbound: true,
    });
    const cacheSg = new SecurityGroup(this, 'CacheSg', {
      vpc: props.vpc,
      description: 'Parley ElastiCache Serverless',
      allowAllOutbound: false,
    });
    // Serverless caches also serve reads on port + 1.
    cacheSg.addIngressRule(this.clientSecurityGroup, Port.tcpRange(CACHE_PORT, CACHE_PORT + 1));

    const key = new Key(this, 'Key', {
      description: 'Parley cache encryption at rest',
      enableKeyRotation: true,
    });
    this.cache = new CfnServerlessCache(this, 'Serverless', {
      serverlessCacheName: name,
      engine: 'valkey',
      majorEngineVersion: '8',
      kmsKeyId: key.keyId,
      securityGroupIds: [cacheSg.securityGroupId],
      subnetIds: props.vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
      userGroupId: userGroup.userGroupId,
      cacheUsageLimits: {
        dataStorage: { maximum: props.maxDataGiB, unit: 'GB' },
        ecpuPerSecond: { maximum: props.maxEcpuPerSecond },
      },
      snapshotRetentionLimit: 1,
    });
    this.cache.node.addDependency(userGroup);
    this.url = `rediss://${this.cache.attrEndpointAddress}:${this.cache.attrEndpointPort}`;
  }
}
