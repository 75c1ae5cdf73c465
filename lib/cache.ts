/**
 * Redis-compatible cache: ElastiCache Serverless (Valkey), which is cluster-mode with TLS
 * in transit always on, encrypted at rest with a customer-managed KMS key, and access
 * limited to one user whose password lives in Secrets Manager (the built-in `default`
 * user is switched off). aws-cdk-lib has only the L1 constructs for it.
 */
import {
  type ISecurityGroup,
  type IVpc,
  Port,
  SecurityGroup,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { CfnServerlessCache, CfnUser, CfnUserGroup } from 'aws-cdk-lib/aws-elasticache';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface CacheProps {
  vpc: IVpc;
  /** The functions' security group: let through to the cache, and nothing else is. */
  clients: ISecurityGroup;
  stageName: string;
  maxDataGiB: number;
  maxEcpuPerSecond: number;
}

export const CACHE_USER = 'parley';
const CACHE_PORT = 6379;

export class Cache extends Construct {
  readonly cache: CfnServerlessCache;
  readonly credentials: Secret;
  /** `rediss://host:port`, for REDIS_URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    // ElastiCache ids: lowercase, hyphen-separated, at most 40 characters, unique per
    // account and region; the stage name is validated to keep this within those rules.
    const name = `parley-${props.stageName}`;

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
    // Valkey user groups must contain a user named `default`, and Valkey users must
    // authenticate: it gets a password nobody uses and no access at all.
    const defaultUserPassword = new Secret(this, 'DefaultUserPassword', {
      description: 'Parley cache: password of the disabled default user',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: 'default' }),
        generateStringKey: 'password',
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    NagSuppressions.addResourceSuppressions(this.credentials, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'ElastiCache RBAC passwords have no rotation function; the cache password is ' +
          'rotated by redeploying with a new value.',
      },
    ]);
    NagSuppressions.addResourceSuppressions(defaultUserPassword, [
      {
        id: 'AwsSolutions-SMG4',
        reason: 'The default user is switched off (`off -@all`): its password opens nothing.',
      },
    ]);
    const defaultUser = new CfnUser(this, 'DefaultUser', {
      engine: 'valkey',
      userId: `${name}-default`,
      userName: 'default',
      accessString: 'off -@all',
      passwords: [defaultUserPassword.secretValueFromJson('password').unsafeUnwrap()],
    });
    const appUser = new CfnUser(this, 'AppUser', {
      engine: 'valkey',
      userId: `${name}-app`,
      userName: CACHE_USER,
      accessString: 'on ~* +@all -@dangerous',
      passwords: [this.credentials.secretValueFromJson('password').unsafeUnwrap()],
    });
    const userGroup = new CfnUserGroup(this, 'Users', {
      engine: 'valkey',
      userGroupId: `${name}-users`,
      userIds: [defaultUser.userId, appUser.userId],
    });
    // The group names its users by id strings, not references: order them explicitly.
    userGroup.node.addDependency(defaultUser, appUser);

    const cacheSg = new SecurityGroup(this, 'CacheSg', {
      vpc: props.vpc,
      description: 'Parley ElastiCache Serverless',
      allowAllOutbound: false,
    });
    // Serverless caches also serve reads on port + 1. Both directions: ingress here,
    // egress on the functions' group.
    cacheSg.connections.allowFrom(
      props.clients,
      Port.tcpRange(CACHE_PORT, CACHE_PORT + 1),
      'functions to cache',
    );

    const key = new Key(this, 'Key', {
      description: 'Parley cache encryption at rest',
      enableKeyRotation: true,
    });
    this.cache = new CfnServerlessCache(this, 'Serverless', {
      serverlessCacheName: name,
      engine: 'valkey',
      majorEngineVersion: '8',
      kmsKeyId: key.keyArn,
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
