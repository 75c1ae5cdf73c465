/**
 * The deployment stack, pinned property by property: network placement, encryption, TLS,
 * TTL and PITR, the authorizer on $connect, each route's integration, IAM scoped to this
 * API, alarms, and zero unsuppressed cdk-nag AwsSolutions findings.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FANOUT_WORKER } from '../../functions/fanout-settings.js';
import { MIGRATION_MIN_TIMEOUT_MS, MIGRATION_TIMING } from '../../functions/migrate-on-deploy.js';
import {
  MAINTENANCE_FUNCTIONS,
  ROUTE_ENTRIES,
  ROUTE_NEEDS,
  type RouteKey,
} from '../../functions/route-table.js';
import { POSTGRES_VERSION } from '../../lib/database.js';
import { BUNDLING, LAMBDA_RUNTIME } from '../../lib/parley-function.js';
import type { ParleyStack } from '../../lib/parley-stack.js';
import { LAMBDA_NODE_MAJOR } from '../../local/node-support.js';
import { type Synthesized, synthesize } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;

let prod: Synthesized;
let template: Template;
beforeAll(() => {
  prod = synthesize();
  template = prod.template;
});

const resources = (type: string): [string, Resource][] =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** Logical ids of the route functions (their names start with the construct id). */
const functionIds = (prefix: string) =>
  resources('AWS::Lambda::Function')
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));

/** The logical id of a route's function. */
function routeFunctionId(key: RouteKey): string {
  const ids = functionIds(`Route${ROUTE_ENTRIES[key].replace(/-/g, '')}`);
  expect(ids, key).toHaveLength(1);
  return ids[0]!;
}

const routeKeys = Object.keys(ROUTE_ENTRIES) as RouteKey[];

/** The route entries: one function each, whichever number of routes it serves. */
const entries = [...new Set(Object.values(ROUTE_ENTRIES))];
const routesOf = (entry: string) => routeKeys.filter((key) => ROUTE_ENTRIES[key] === entry);

/** The functions of routes that need neither PostgreSQL nor Redis ($connect, $default). */
const outsideVpcIds = () =>
  routeKeys.filter((key) => ROUTE_NEEDS[key].stores !== 'stores').map(routeFunctionId);

/** The functions of routes that touch no store at all ($default). */
const storelessIds = () =>
  routeKeys.filter((key) => ROUTE_NEEDS[key].stores === 'none').map(routeFunctionId);

type Statement = { Action: string | string[]; Resource: unknown };

/** The role of a function. */
function roleOf(functionId: string): Resource {
  const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === functionId)!;
  const [roleId] = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  return resources('AWS::IAM::Role').find(([id]) => id === roleId)![1];
}

/** The statements of the inline policies attached to a function's role. */
function rolePolicies(functionId: string): Statement[] {
  const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === functionId)!;
  const [roleId] = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref?: string }[]).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** The IAM actions granted to a function's role. */
function roleActions(functionId: string): string[] {
  return rolePolicies(functionId).flatMap((statement) => [statement.Action].flat());
}

describe('cdk-nag', () => {
  it('has no unsuppressed AwsSolutions findings', () => {
    expect(prod.nagFindings).toEqual([]);
  });

  it('holds without an account or region, as cdk synth runs offline', () => {
    expect(synthesize({}, () => {}, {}).nagFindings).toEqual([]);
  });

  it('holds in the dev-stage and JWKS configurations too', () => {
    const dev = synthesize({
      stageName: 'dev',
      natGateways: 1,
      databaseMultiAz: false,
      jwtMode: 'jwks',
      jwksUrl: 'https://cognito-idp.eu-west-1.amazonaws.com/pool/.well-known/jwks.json',
    });
    expect(dev.nagFindings).toEqual([]);
  });
});

describe('cdk-nag suppressions', () => {
  // Each suppression names the resource and the finding it accepts, so the same kind of
  // finding anywhere else, such as a grant added later, is still reported.
  const findingsOf = (change: (stack: ParleyStack) => void, rule: string) =>
    synthesize({}, change).nagFindings.filter((f) => f.includes(`: ${rule}`));

  it('still report a wildcard grant added to a function later', () => {
    const findings = findingsOf((stack) => {
      stack.functions.send_message.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
      );
    }, 'AwsSolutions-IAM5');
    expect(findings).toEqual([
      expect.stringMatching(
        /^\/Test\/Route-send-message\/ServiceRole\/DefaultPolicy\/Resource: .*Resource::\*/,
      ),
    ]);
  });

  it('still report a secret added later without rotation', () => {
    const findings = findingsOf((stack) => {
      new Secret(stack, 'Unrotated');
    }, 'AwsSolutions-SMG4');
    expect(findings).toEqual([expect.stringMatching(/^\/Test\/Unrotated\/Resource: /)]);
  });

  it('still report a function added later on an outdated runtime', () => {
    const findings = findingsOf((stack) => {
      new LambdaFunction(stack, 'Outdated', {
        runtime: Runtime.NODEJS_18_X,
        handler: 'index.handler',
        code: Code.fromInline('exports.handler = async () => {};'),
      });
    }, 'AwsSolutions-L1');
    expect(findings).toEqual([expect.stringMatching(/^\/Test\/Outdated\/Resource: /)]);
  });
});

describe('network', () => {
  it('spans two AZs with public, private (egress) and isolated subnets and NAT egress', () => {
    expect(resources('AWS::EC2::Subnet')).toHaveLength(6);
    // The standard profile: one NAT (profiles.test.ts holds each profile's network).
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith(['.dynamodb'])]),
      }),
      VpcEndpointType: 'Gateway',
    });
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
  });

  it('puts the route functions that use PostgreSQL or Redis in the private subnets, and no other', () => {
    const route = functionIds('Route');
    expect(route).toHaveLength(entries.length);
    const outside = outsideVpcIds();
    expect(outside.sort()).toEqual(
      [routeFunctionId('$connect'), routeFunctionId('$default')].sort(),
    );
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const vpc = fn.Properties.VpcConfig as { SubnetIds: { Ref: string }[] } | undefined;
      if (outside.includes(id) || id.startsWith('Authorizer')) {
        expect(vpc, id).toBeUndefined();
      } else if (route.includes(id)) {
        expect(vpc?.SubnetIds.map((s) => s.Ref).every((r) => /appSubnet/.test(r))).toBe(true);
      }
    }
  });

  it("lets $connect only count the user's connections and put its record: no VPC, secret, key or ENI", () => {
    const connect = routeFunctionId('$connect');
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === connect)!;
    expect(fn.Properties.VpcConfig).toBeUndefined();
    const actions = roleActions(connect);
    expect(actions.filter((a) => /^(secretsmanager|kms|ec2|execute-api):/.test(a))).toEqual([]);
    const needs = ROUTE_NEEDS.$connect;
    expect(needs.stores === 'connections-table' && needs.tableActions).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    // On the connections table itself, not on any table or index.
    const [tableId] = resources('AWS::DynamoDB::GlobalTable')[0]!;
    for (const action of ['dynamodb:PutItem', 'dynamodb:Query']) {
      const granted = rolePolicies(connect).filter((s) => [s.Action].flat().includes(action));
      expect(granted.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [tableId, 'Arn'] }]);
    }
    // Only the basic execution role: no AWSLambdaVPCAccessExecutionRole (ENI management).
    const managed = JSON.stringify(roleOf(connect).Properties.ManagedPolicyArns);
    expect(managed).toContain('AWSLambdaBasicExecutionRole');
    expect(managed).not.toContain('VPCAccess');
    const variables = Object.keys(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    );
    expect(variables).toContain('CONNECTIONS_TABLE');
    expect(variables.filter((v) => /^(DB_|REDIS_|PG_|CALLBACK_URL)/.test(v))).toEqual([]);
  });

  it('gives $default no access to the stores or their secrets, only to posting', () => {
    const [storeless] = storelessIds();
    const actions = roleActions(storeless!);
    expect(actions).toContain('execute-api:ManageConnections');
    expect(actions.filter((a) => /^(dynamodb|secretsmanager|kms):/.test(a))).toEqual([]);
    // Its environment names where to post and nothing of the stores.
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id === storeless)!;
    const variables = Object.keys(
      (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    );
    expect(variables).toContain('CALLBACK_URL');
    expect(variables.filter((v) => /^(DB_|REDIS_|CONNECTIONS_TABLE|PG_)/.test(v))).toEqual([]);
    // A store route, for contrast, holds both.
    const [store] = functionIds('Routesendmessage');
    expect(roleActions(store!)).toEqual(
      expect.arrayContaining(['secretsmanager:GetSecretValue', 'dynamodb:PutItem']),
    );
  });

  it('lets the functions out only to HTTPS, the proxy and the cache', () => {
    const [sgId] = resources('AWS::EC2::SecurityGroup').find(([id]) =>
      id.startsWith('FunctionsSg'),
    )!;
    const [, sg] = resources('AWS::EC2::SecurityGroup').find(([id]) => id === sgId)!;
    expect(sg.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
    ]);
    const egress = resources('AWS::EC2::SecurityGroupEgress')
      .map(([, e]) => e.Properties)
      .filter((e) => JSON.stringify(e.GroupId).includes(sgId));
    expect(egress.map((e) => `${e.FromPort}-${e.ToPort}`).sort()).toEqual([
      '5432-5432',
      '6379-6380',
    ]);
    const route = functionIds('Route');
    const outside = outsideVpcIds();
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      if (!route.includes(id) || outside.includes(id)) continue;
      const groups = (fn.Properties.VpcConfig as { SecurityGroupIds: unknown[] }).SecurityGroupIds;
      expect(JSON.stringify(groups)).toContain(sgId);
    }
  });

  it('keeps PostgreSQL and the cache in the isolated subnets', () => {
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('dataSubnet') })]),
    });
    const [, cache] = resources('AWS::ElastiCache::ServerlessCache')[0]!;
    const subnets = cache.Properties.SubnetIds as { Ref: string }[];
    expect(subnets.every((s) => /dataSubnet/.test(s.Ref))).toBe(true);
  });
});

describe('PostgreSQL', () => {
  it('is a pinned, encrypted, backed-up, protected RDS instance, not publicly reachable', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: 'postgres',
        EngineVersion: POSTGRES_VERSION.postgresFullVersion,
        StorageEncrypted: true,
        BackupRetentionPeriod: 7,
        MultiAZ: true,
        PubliclyAccessible: false,
        EnableCloudwatchLogsExports: ['postgresql'],
      }),
    });
  });

  it('is protected from deletion once a deploy succeeded, so a failed first deploy rolls back', () => {
    // Created without protection: a failed first deploy's rollback can delete it.
    const [dbId, db] = resources('AWS::RDS::DBInstance')[0]!;
    expect(db.Properties.DeletionProtection).toBeUndefined();
    expect(db.DeletionPolicy).toBe('Snapshot');
    // Then switched on through the RDS API, never off.
    const protections = resources('Custom::AWS').filter(([, r]) =>
      JSON.stringify(r.Properties.Create).includes('modifyDBInstance'),
    );
    expect(protections).toHaveLength(1);
    const [protectionId, protection] = protections[0]!;
    const create = JSON.stringify(protection.Properties.Create);
    expect(create).toContain('\\"DeletionProtection\\":true');
    expect(create).toContain(`{"Ref":"${dbId}"}`);
    expect(protection.Properties.Create).toEqual(protection.Properties.Update);
    expect(protection.Properties.Delete).toBeUndefined();
    // Last of all: it waits for every other resource of the stack.
    const own = new Set([
      protectionId,
      ...(protection.DependsOn as string[]).filter((d) => d.startsWith('DatabaseProtection')),
    ]);
    const others = Object.keys(template.toJSON().Resources as object).filter(
      (id) => !own.has(id) && !id.startsWith('DatabaseProtection'),
    );
    expect(others.length).toBeGreaterThan(100);
    expect(protection.DependsOn as string[]).toEqual(expect.arrayContaining(others));
    // Its function may modify this instance only.
    const statements = resources('AWS::IAM::Policy')
      .filter(([id]) => id.startsWith('DatabaseProtection'))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements).toEqual([
      expect.objectContaining({
        Action: 'rds:ModifyDBInstance',
        Resource: expect.objectContaining({ 'Fn::Join': expect.anything() }),
      }),
    ]);
    expect(JSON.stringify(statements[0]!.Resource)).toContain(dbId);
  });

  it('keeps credentials in Secrets Manager, rotated, behind RDS Proxy with TLS required', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    // Not on create or update: a first rotation would change the password while the first
    // migration and the functions start; the schedule's window does the first one.
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotateImmediatelyOnUpdate: false,
      RotationRules: Match.objectLike({ ScheduleExpression: 'rate(30 days)' }),
    });
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      DBProxyName: 'parley-prod',
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
    });
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('drops protection in a non-production stage', () => {
    const dev = synthesize({ stageName: 'dev' }).template;
    dev.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: false }),
    });
    expect(JSON.stringify(dev.findResources('Custom::AWS'))).not.toContain('modifyDBInstance');
  });

  it('migrates only once the proxy and its target exist', () => {
    const [, migration] = resources('AWS::Lambda::Function').find(([id]) =>
      id.startsWith('SchemaMigrationMigrate'),
    )!;
    const dependsOn = migration.DependsOn as string[];
    expect(dependsOn.some((d) => /ProxyProxyTargetGroup/.test(d))).toBe(true);
    expect(dependsOn.some((d) => /DatabaseInstance[0-9A-F]{8}$/.test(d))).toBe(true);
  });

  it('nests the migration timeouts: its waits, its function, the framework, CloudFormation', () => {
    const timeoutOf = (prefix: string) => {
      const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id.startsWith(prefix))!;
      return fn.Properties.Timeout as number;
    };
    const migrate = timeoutOf('SchemaMigrationMigrate');
    // The handler plans every wait within what is left of this (functions/migrate-on-deploy.ts),
    // and the timeout leaves room beyond one attempt to wait for RDS Proxy.
    const { connectMs, retryDelayMs } = MIGRATION_TIMING;
    expect(migrate * 1000).toBeGreaterThanOrEqual(
      MIGRATION_MIN_TIMEOUT_MS + 10 * (connectMs + retryDelayMs),
    );
    // The framework invokes the handler, and if the invoke itself fails waits up to 300 s
    // for it to be active and invokes it again: all within its own timeout.
    const framework = timeoutOf('SchemaMigrationProviderframeworkonEvent');
    expect(2 * migrate + 300).toBeLessThanOrEqual(framework);
    // CloudFormation gives up just after the framework would, not after its default hour.
    const [, schema] = resources('Custom::ParleySchema')[0]!;
    const serviceTimeout = Number(schema.Properties.ServiceTimeout);
    expect(serviceTimeout).toBeGreaterThan(framework);
    expect(serviceTimeout).toBeLessThanOrEqual(framework + 120);
  });

  it('migrates the schema through a custom resource when the migrations change', () => {
    template.hasResourceProperties('Custom::ParleySchema', {
      MigrationsDigest: Match.stringLikeRegexp('^[0-9a-f]{16}$'),
      DeployId: Match.absent(),
      LatestVersion: Match.anyValue(),
    });
  });

  it('migrates again on demand: -c parley:deployId=... changes the resource', () => {
    const forced = synthesize({ deployId: 'release-42' }).template;
    forced.hasResourceProperties('Custom::ParleySchema', { DeployId: 'release-42' });
  });
});

describe('cache', () => {
  it('is ElastiCache Serverless Valkey, KMS-encrypted, with a user group and no default access', () => {
    template.hasResourceProperties('AWS::ElastiCache::ServerlessCache', {
      Engine: 'valkey',
      KmsKeyId: Match.anyValue(),
      UserGroupId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'default',
      AccessString: 'off -@all',
    });
    template.hasResourceProperties('AWS::ElastiCache::User', {
      UserName: 'parley',
      AccessString: Match.stringLikeRegexp('^on '),
    });
    const [, user] = resources('AWS::ElastiCache::User').find(
      ([, u]) => u.Properties.UserName === 'parley',
    )!;
    // The password is a dynamic reference to the secret, never a literal in the template.
    expect(JSON.stringify(user.Properties.Passwords)).toContain('resolve:secretsmanager');
  });

  it('hands the functions a TLS, cluster-mode URL and the credentials secret', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([id]) => id.startsWith('Routesend'))!;
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.REDIS_CLUSTER).toBe('true');
    expect(JSON.stringify(env.REDIS_URL)).toContain('rediss://');
    expect(env.REDIS_SECRET_ARN).toBeDefined();
    expect(env.DB_SECRET_ARN).toBeDefined();
    expect(env.DB_PORT).toBe('5432');
    expect(env.PG_POOL_MAX).toBe('1');
  });
});

describe('connections table', () => {
  it('is on demand, with TTL, point-in-time recovery and encryption', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });
});

describe('functions', () => {
  it('run Node.js 24 on arm64 with tracing, JSON logs and a log retention', () => {
    const ours = [...functionIds('Route'), ...functionIds('Authorizer')];
    expect(ours).toHaveLength(entries.length + 1);
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      if (!ours.includes(id)) continue;
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: expect.objectContaining({ LogFormat: 'JSON' }),
      });
    }
    for (const [, group] of resources('AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(30);
    }
  });

  it('are bundled for the Node.js of their runtime, the one .nvmrc and the dev server name', () => {
    expect(LAMBDA_RUNTIME.name).toBe(`nodejs${LAMBDA_NODE_MAJOR}.x`);
    expect(BUNDLING.target).toBe(`node${LAMBDA_NODE_MAJOR}`);
  });

  it('may manage connections only on this API stage', () => {
    const statements = resources('AWS::IAM::Policy').flatMap(
      ([, p]) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] })
          .Statement,
    );
    const manage = statements.filter((s) => s.Action === 'execute-api:ManageConnections');
    // Every route function that posts, and the fan-out worker; $connect does not (a post
    // during $connect answers 410).
    const posting = entries.filter((entry) =>
      routesOf(entry).some((key) => ROUTE_NEEDS[key].posts),
    );
    expect(manage).toHaveLength(posting.length + 1);
    expect(roleActions(routeFunctionId('$connect'))).not.toContain('execute-api:ManageConnections');
    for (const s of manage) {
      const resource = JSON.stringify(s.Resource);
      expect(resource).toContain('WebSocketApi');
      expect(resource).toContain('/prod/POST/@connections/*');
    }
  });
});

describe('WebSocket API', () => {
  it('selects routes on the action field and has exactly the route table', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const keys = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual(Object.keys(ROUTE_ENTRIES).sort());
  });

  it('authorizes $connect with the REQUEST authorizer on ?token=', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.querystring.token'],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$connect',
      AuthorizationType: 'CUSTOM',
    });
  });

  it("integrates each route with its entry's function, shared by the entry's routes", () => {
    const integrations = resources('AWS::ApiGatewayV2::Integration');
    expect(integrations).toHaveLength(routeKeys.length);
    const targets = integrations.map(([, i]) => JSON.stringify(i.Properties.IntegrationUri));
    for (const entry of entries) {
      const fnId = functionIds(`Route${entry.replace(/-/g, '')}`)[0];
      expect(fnId, entry).toBeDefined();
      expect(targets.filter((t) => t.includes(fnId!))).toHaveLength(routesOf(entry).length);
    }
    expect(routesOf('message-edits').sort()).toEqual(['delete_message', 'edit_message']);
    expect(routesOf('reactions')).toEqual(['react']);
    expect(routesOf('get-history').sort()).toEqual(['get_history', 'get_thread']);
    for (const [, i] of integrations) expect(i.Properties.IntegrationType).toBe('AWS_PROXY');
  });

  it('gives API Gateway a CloudWatch role only where the account has none, before the stage', () => {
    // The region-wide account setting is not declared: that would replace the role every
    // other API in the region logs through.
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
    const [roleId, role] = resources('AWS::IAM::Role').find(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com'),
    )!;
    expect(role.DeletionPolicy).toBe('Retain');
    // A custom resource sets it if missing (functions/api-gateway-account.ts), before the
    // stage that logs.
    const [setId, set] = resources('Custom::ApiGatewayCloudWatchRole')[0]!;
    expect(set.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    const [, stage] = resources('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.DependsOn).toContain(setId);
    // Its function may read and change the account setting and pass only that role.
    const setter = functionIds('WebSocketLoggingSetIfMissing');
    expect(setter).toHaveLength(1);
    const statements = rolePolicies(setter[0]!).filter(
      (s) => !String(s.Action).startsWith('xray:'),
    );
    expect(statements).toEqual([
      expect.objectContaining({
        Action: ['apigateway:GET', 'apigateway:PATCH'],
        Resource: expect.objectContaining({
          'Fn::Join': [
            '',
            expect.arrayContaining([expect.stringMatching(/:apigateway:.*::\/account$/)]),
          ],
        }),
      }),
      expect.objectContaining({
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
      }),
    ]);
  });

  it('throttles the stage and writes JSON access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: 'prod',
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: Match.objectLike({
        Format: Match.stringLikeRegexp('"connectionId":"\\$context.connectionId"'),
      }),
    });
  });

  it('writes execution logs of errors only, without message bodies', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: {
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        DetailedMetricsEnabled: false,
      },
    });
  });

  it('outputs the wss:// URL, the callback URL and the JWT secret', () => {
    template.hasOutput('WebSocketUrl', {});
    template.hasOutput('CallbackUrl', {});
    template.hasOutput('JwtSecretArn', {});
  });

  it('verifies tokens by the issuer JWKS in jwks mode, with no signing secret', () => {
    const jwks = synthesize({
      jwtMode: 'jwks',
      jwksUrl: 'https://issuer.example/.well-known/jwks.json',
      jwtIssuer: 'https://issuer.example',
    }).template;
    // The database, the cache user and the cache's disabled default user; no JWT secret.
    jwks.resourceCountIs('AWS::SecretsManager::Secret', 3);
    jwks.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWT_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
          JWT_ISSUER: 'https://issuer.example',
        }),
      },
    });
  });
});

describe('fan-out queue', () => {
  const workerId = () => {
    const ids = functionIds('FanoutWorker');
    expect(ids).toHaveLength(1);
    return ids[0]!;
  };
  const queues = () => resources('AWS::SQS::Queue');
  const mainQueue = () => queues().find(([, q]) => q.Properties.RedrivePolicy !== undefined)!;
  const deadLetterQueue = () => queues().find(([, q]) => q.Properties.RedrivePolicy === undefined)!;

  it('has an encrypted queue whose failing jobs go to a dead-letter queue', () => {
    expect(queues()).toHaveLength(2);
    const [, queue] = mainQueue();
    const [dlqId, dlq] = deadLetterQueue();
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: FANOUT_WORKER.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: FANOUT_WORKER.maxReceiveCount,
      },
    });
    expect(dlq.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    // SQS's advice: a visibility timeout of at least six times the function's timeout.
    expect(FANOUT_WORKER.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(
      6 * FANOUT_WORKER.timeoutSeconds,
    );
    // Both refuse anything but TLS.
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        }),
      },
      2,
    );
  });

  it('runs the worker on the queue with bounded concurrency and partial batch failures', () => {
    const [queueId] = mainQueue();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId() },
      BatchSize: FANOUT_WORKER.batchSize,
      ScalingConfig: { MaximumConcurrency: FANOUT_WORKER.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: FANOUT_WORKER.memoryMb,
      Timeout: FANOUT_WORKER.timeoutSeconds,
      VpcConfig: Match.anyValue(),
      Environment: {
        Variables: Match.objectLike({ CALLBACK_URL: Match.anyValue() }),
      },
    });
  });

  it('lets every function that delivers queue jobs, and only the worker dead-letter them', () => {
    const [queueId] = mainQueue();
    const [dlqId] = deadLetterQueue();
    const sendsTo = (functionId: string, queue: string) =>
      rolePolicies(functionId).some(
        (s) =>
          [s.Action].flat().includes('sqs:SendMessage') &&
          JSON.stringify(s.Resource).includes(queue),
      );
    const delivering = routeKeys.filter((key) => ROUTE_NEEDS[key].stores === 'stores');
    for (const key of delivering) {
      const id = routeFunctionId(key);
      expect(sendsTo(id, queueId), key).toBe(true);
      expect(sendsTo(id, dlqId), key).toBe(false);
      const fn = resources('AWS::Lambda::Function').find(([fid]) => fid === id)![1];
      expect(
        (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
      ).toMatchObject({
        FANOUT_QUEUE_URL: { Ref: queueId },
        FANOUT_DEAD_LETTER_QUEUE_URL: { Ref: dlqId },
      });
    }
    expect(sendsTo(workerId(), queueId)).toBe(true);
    expect(sendsTo(workerId(), dlqId)).toBe(true);
    for (const id of outsideVpcIds()) expect(sendsTo(id, queueId)).toBe(false);
  });

  it('alarms on anything dead-lettered and on a backlog', () => {
    const [dlqId] = deadLetterQueue();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [Match.anyValue()],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      AlarmActions: [Match.anyValue()],
    });
  });
});

describe('retention and erasure', () => {
  const onlyId = (prefix: string) => {
    const ids = functionIds(prefix);
    expect(ids, prefix).toHaveLength(1);
    return ids[0]!;
  };
  const fn = (id: string) => template.findResources('AWS::Lambda::Function')[id] as Resource;

  it('runs the retention purge on an hourly EventBridge schedule', () => {
    const purge = onlyId('RetentionPurge');
    const rules = resources('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [purge, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    expect(MAINTENANCE_FUNCTIONS.retentionPurge.schedule).toBe('rate(1 hour)');
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [purge, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] },
    });
  });

  it('puts both functions in the VPC with the stores, their timeouts from the settings', () => {
    const cases = [
      [onlyId('RetentionPurge'), MAINTENANCE_FUNCTIONS.retentionPurge],
      [onlyId('EraseUser'), MAINTENANCE_FUNCTIONS.eraseUser],
    ] as const;
    for (const [id, settings] of cases) {
      const props = fn(id).Properties;
      expect(props.VpcConfig, id).toBeDefined();
      expect(props.Timeout, id).toBe(settings.timeoutSeconds);
      const env = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      // The stores' settings, and no callback: neither posts to connections.
      expect(Object.keys(env), id).toEqual(expect.arrayContaining(['DB_SECRET_ARN']));
      expect(env.CALLBACK_URL, id).toBeUndefined();
    }
  });

  it("lets the erasure delete the user's status item from the connections table", () => {
    const erase = onlyId('EraseUser');
    const [tableId] = resources('AWS::DynamoDB::GlobalTable')[0]!;
    const deletes = rolePolicies(erase).filter((s) =>
      [s.Action].flat().includes('dynamodb:DeleteItem'),
    );
    expect(deletes.length).toBeGreaterThan(0);
    for (const s of deletes) {
      expect([s.Resource].flat()).toContainEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    }
    // And is told which table that is.
    const env = (fn(erase).Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(env.CONNECTIONS_TABLE).toEqual({ Ref: tableId });
  });

  it('leaves the erasure to operators: no rule, route or event source invokes it', () => {
    const erase = onlyId('EraseUser');
    const invokers = resources('AWS::Lambda::Permission').filter(([, p]) =>
      JSON.stringify(p.Properties.FunctionName).includes(erase),
    );
    expect(invokers).toEqual([]);
    expect(
      resources('AWS::Lambda::EventSourceMapping').filter(([, m]) =>
        JSON.stringify(m.Properties.FunctionName).includes(erase),
      ),
    ).toEqual([]);
  });
});

describe('operations', () => {
  it('alarms on errors and throttles of every function, the API, RDS and the cache', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const metrics = alarms.map((a) => `${a.Namespace}:${a.MetricName}`);
    // Every route function (once, however many routes it serves), the authorizer, the
    // schema migration, the fan-out worker, the retention purge, the erasure and the
    // thumbnail worker.
    const functions = entries.length + 6;
    expect(metrics.filter((m) => m === 'AWS/Lambda:Errors')).toHaveLength(functions);
    expect(metrics.filter((m) => m === 'AWS/Lambda:Throttles')).toHaveLength(functions);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'AWS/ApiGateway:IntegrationError',
        'AWS/ApiGateway:ExecutionError',
        'AWS/RDS:CPUUtilization',
        'AWS/RDS:DatabaseConnections',
        'AWS/RDS:FreeStorageSpace',
        'AWS/ElastiCache:ThrottledCmds',
        'AWS/ElastiCache:ElastiCacheProcessingUnits',
        'AWS/ElastiCache:BytesUsedForCache',
      ]),
    );
    for (const a of alarms) expect(a.AlarmActions).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    // CloudWatch may publish to the encrypted topic: both the key and the topic allow it.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('files', () => {
  const bucketId = () =>
    resources('AWS::S3::Bucket')
      .map(([id]) => id)
      .find((id) => id.startsWith('FilesBucket'))!;
  /** The object ARNs a statement names, as `/prefix*` under the files bucket. */
  const prefixesOf = (statement: Statement): string[] =>
    [statement.Resource].flat().map((r) => {
      const parts = (r as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      expect(parts[0]).toEqual({ 'Fn::GetAtt': [bucketId(), 'Arn'] });
      return parts[1] as string;
    });
  const s3Grants = (functionId: string) =>
    rolePolicies(functionId)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
      .flatMap((s) => [s.Action].flat().map((action) => `${action} ${prefixesOf(s).join(' ')}`));

  it('is a private, encrypted, TLS-only bucket with CORS for the page and lifecycle rules', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: ['PUT', 'GET', 'HEAD'],
            AllowedOrigins: ['*'],
            AllowedHeaders: ['content-type', 'content-disposition', 'x-amz-meta-*'],
          }),
        ],
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    expect(resources('AWS::S3::Bucket').find(([id]) => id === bucketId())?.[1].DeletionPolicy).toBe(
      'Retain',
    );
  });

  it('expires uploads and their thumbnails together when a retention is set, for the origins given', () => {
    const { template: kept } = synthesize({
      filesRetentionDays: 90,
      filesCorsOrigins: ['https://chat.example'],
    });
    kept.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedOrigins: ['https://chat.example'] })],
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Prefix: 'rooms/', ExpirationInDays: 90 }),
          Match.objectLike({ Prefix: 'thumbs/', ExpirationInDays: 90 }),
        ]),
      },
    });
  });

  it('lets request_upload sign PUTs of uploads, the serving routes read, and no other route touch it', () => {
    expect(s3Grants(routeFunctionId('request_upload')).sort()).toEqual([
      's3:GetObject /rooms/* /thumbs/*',
      's3:PutObject /rooms/*',
    ]);
    for (const key of [
      'send_message',
      'join_room',
      'get_history',
      'list_rooms',
      'edit_message',
      'react',
    ] as const) {
      expect(s3Grants(routeFunctionId(key)), key).toEqual(['s3:GetObject /rooms/* /thumbs/*']);
    }
    for (const key of ['typing', 'mark_read', 'leave_room', '$connect', '$default'] as const) {
      expect(s3Grants(routeFunctionId(key)), key).toEqual([]);
    }
    const send = resources('AWS::Lambda::Function').find(
      ([id]) => id === routeFunctionId('send_message'),
    )!;
    expect(
      (send[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .S3_BUCKET,
    ).toEqual({
      Ref: bucketId(),
    });
  });

  it('lets the erase function delete uploads and thumbnails, and nothing else of the bucket', () => {
    const [eraseId] = functionIds('EraseUser');
    expect(s3Grants(eraseId!)).toEqual(['s3:DeleteObject /rooms/* /thumbs/*']);
    const erase = resources('AWS::Lambda::Function').find(([id]) => id === eraseId)!;
    expect(
      (erase[1].Properties.Environment as { Variables: Record<string, unknown> }).Variables
        .S3_BUCKET,
    ).toEqual({ Ref: bucketId() });
    // The purge keeps its own work: no grant on the bucket.
    expect(s3Grants(functionIds('RetentionPurge')[0]!)).toEqual([]);
  });

  it('runs the thumbnail worker on new uploads, outside the VPC, with sharp beside its bundle', () => {
    const [workerId] = functionIds('FilesBucketThumbnailWorker');
    expect(workerId).toBeDefined();
    const worker = resources('AWS::Lambda::Function').find(([id]) => id === workerId)![1];
    expect(worker.Properties).toMatchObject({ Architectures: ['x86_64'], Runtime: 'nodejs24.x' });
    expect(worker.Properties.VpcConfig).toBeUndefined();
    expect(s3Grants(workerId!).sort()).toEqual(['s3:GetObject /rooms/*', 's3:PutObject /thumbs/*']);
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'rooms/' }] } },
          }),
        ],
      },
    });
  });
});

describe('synthesis', () => {
  it('gives the same template for the same code, whenever it runs', () => {
    // A template that changes with the clock shows a diff on every `cdk diff` and updates
    // the migration resource on every deploy.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-12-06T10:00:00Z'));
      const first = synthesize().template.toJSON();
      vi.setSystemTime(new Date('2026-12-07T11:30:00Z'));
      const second = synthesize().template.toJSON();
      expect(second).toEqual(first);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('configuration', () => {
  it('refuses stage names that would break resource naming rules', () => {
    for (const stageName of ['Prod', 'my_stage', 'a'.repeat(21), '-x', 'x-']) {
      expect(() => synthesize({ stageName }), stageName).toThrow(/stageName/);
    }
  });
});

describe('encryption in transit and at rest', () => {
  it('forces TLS on the RDS instance itself, not only at the proxy', () => {
    // RDS Proxy's RequireTLS covers client to proxy; the parameter group covers anything
    // that reaches the instance directly (the rotation function, an operator's session).
    const [groupId] = resources('AWS::RDS::DBParameterGroup').find(
      ([, g]) => (g.Properties.Parameters as Record<string, string>)['rds.force_ssl'] === '1',
    )!;
    const [, db] = resources('AWS::RDS::DBInstance')[0]!;
    expect(db.Properties.DBParameterGroupName).toEqual({ Ref: groupId });
  });

  it('rotates every customer-managed KMS key (cache, alarm topic)', () => {
    const keys = resources('AWS::KMS::Key');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const [id, key] of keys) expect(key.Properties.EnableKeyRotation, id).toBe(true);
  });

  it('refuses unencrypted publishes to the alarm topic', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('keeps no secret value in the template: every secret is generated', () => {
    const secrets = resources('AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const [id, secret] of secrets) {
      expect(secret.Properties.SecretString, id).toBeUndefined();
      expect(secret.Properties.GenerateSecretString, id).toBeDefined();
    }
  });

  it('never logs message bodies: no API Gateway data trace, and every function speaks TLS to Redis', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({ DataTraceEnabled: false }),
    });
    for (const [id, fn] of resources('AWS::Lambda::Function')) {
      const env = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables;
      if (env?.REDIS_URL === undefined) continue;
      expect(JSON.stringify(env.REDIS_URL), id).toContain('rediss://');
    }
  });
});
