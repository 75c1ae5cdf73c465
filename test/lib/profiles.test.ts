/**
 * Each profile, synthesized as `cdk synth -c profile=NAME` reads it, pinned where the
 * profiles differ (network egress, the database and how the functions reach it, rotation,
 * retentions) and held to zero unsuppressed cdk-nag findings. parley-stack.test.ts pins
 * everything they share, on the default profile.
 */
import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { stackResources } from '../../cost/stack-resources.js';
import { DATABASE_PORT, PROXY_PORT, RDS_CA_BUNDLE } from '../../lib/database.js';
import { ParleyFunction } from '../../lib/parley-function.js';
import { BUILT_IN_PROFILES, type BuiltInProfileName, DEFAULT_PROFILE } from '../../lib/profiles.js';
import { type Synthesized, synthesizeWithContext } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
type Environment = Record<string, unknown>;

const synthesized = {} as Record<BuiltInProfileName, Synthesized>;
beforeAll(() => {
  for (const name of Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[]) {
    synthesized[name] = synthesizeWithContext({ profile: name });
  }
});

const resources = (template: Template, type: string): Resource[] =>
  Object.values(template.findResources(type)) as Resource[];

const functions = (template: Template) => resources(template, 'AWS::Lambda::Function');
const inVpc = (fn: Resource) => fn.Properties.VpcConfig !== undefined;
const environmentOf = (fn: Resource): Environment =>
  (fn.Properties.Environment as { Variables?: Environment } | undefined)?.Variables ?? {};

/** Parley's own functions (not CDK's custom-resource providers), by logical id. */
function parleyFunctions({ stack, template }: Synthesized): [string, Resource][] {
  const byId = template.findResources('AWS::Lambda::Function');
  return stack.node
    .findAll()
    .filter((c): c is ParleyFunction => c instanceof ParleyFunction)
    .map((fn) => stack.getLogicalId(fn.node.defaultChild as CfnElement))
    .map((id) => [id, byId[id] as Resource]);
}

/** The logical id of the only resource of a type. */
function onlyId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids, type).toHaveLength(1);
  return ids[0]!;
}

/** Every in-VPC function's environment (the route functions, workers, migration). */
const vpcEnvironments = (template: Template) =>
  functions(template).filter(inVpc).map(environmentOf);

const retentions = (template: Template) =>
  new Set(resources(template, 'AWS::Logs::LogGroup').map((g) => g.Properties.RetentionInDays));

describe.each(Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[])('the %s profile', (name) => {
  it('has no unsuppressed cdk-nag AwsSolutions findings', () => {
    expect(synthesized[name].nagFindings).toEqual([]);
  });

  it('deploys its settings: database class, standby, storage, backups, log retention', () => {
    const { template } = synthesized[name];
    const profile = BUILT_IN_PROFILES[name];
    const [instance] = resources(template, 'AWS::RDS::DBInstance');
    expect(instance?.Properties).toMatchObject({
      DBInstanceClass: `db.${profile.databaseInstanceType}`,
      MultiAZ: profile.databaseMultiAz,
      AllocatedStorage: String(profile.databaseAllocatedStorageGiB),
      BackupRetentionPeriod: profile.backupRetentionDays,
      EnablePerformanceInsights: profile.databasePerformanceInsights,
      StorageEncrypted: true,
      PubliclyAccessible: false,
    });
    expect(retentions(template)).toEqual(new Set([profile.logRetentionDays]));
    template.resourceCountIs('AWS::EC2::NatGateway', profile.natGateways);
    template.resourceCountIs('AWS::EC2::EIP', profile.natGateways);
    template.resourceCountIs('AWS::RDS::DBProxy', profile.databaseProxy ? 1 : 0);
    template.resourceCountIs(
      'AWS::SecretsManager::RotationSchedule',
      profile.databaseSecretRotation ? 1 : 0,
    );
  });

  it('never sets the SDK-wide dual-stack switch, which breaks the Management API client', () => {
    for (const fn of functions(synthesized[name].template)) {
      expect(environmentOf(fn)).not.toHaveProperty('AWS_USE_DUALSTACK_ENDPOINT');
    }
  });

  it('has the resources the cost model bills for it (cost/stack-resources.ts)', () => {
    const { stack, template } = synthesized[name];
    const billed = stackResources(stack.config, stack.config);
    template.resourceCountIs('AWS::CloudWatch::Alarm', billed.alarms);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', billed.dashboards);
    template.resourceCountIs('AWS::SecretsManager::Secret', billed.secrets);
    template.resourceCountIs('AWS::KMS::Key', billed.kmsKeys);
    template.resourceCountIs('AWS::EC2::NatGateway', billed.natGateways);
    template.resourceCountIs('AWS::EC2::EIP', billed.publicIpv4Addresses);
    template.resourceCountIs('AWS::RDS::DBProxy', billed.proxyVcpus > 0 ? 1 : 0);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      MultiAZ: billed.databaseInstances === 2,
    });
    expect(parleyFunctions(synthesized[name])).toHaveLength(billed.parleyFunctions);
    for (const alarm of resources(template, 'AWS::CloudWatch::Alarm')) {
      const namespaces = JSON.stringify(alarm.Properties).match(/"Namespace":"[^"]+"/g) ?? [];
      for (const namespace of namespaces) expect(namespace).toMatch(/"Namespace":"AWS\//);
    }
  });

  it('serves IPv6 clients too: the WebSocket API is dual-stack', () => {
    synthesized[name].template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      IpAddressType: 'dualstack',
    });
  });
});

describe('the lean profile', () => {
  let template: Template;
  beforeAll(() => {
    template = synthesized.lean.template;
  });

  it('has no NAT: a dual-stack VPC whose private subnets route ::/0 to an egress-only gateway', () => {
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPCCidrBlock', {
      AmazonProvidedIpv6CidrBlock: true,
    });
    const gateway = onlyId(template, 'AWS::EC2::EgressOnlyInternetGateway');
    const routes = resources(template, 'AWS::EC2::Route').filter(
      (r) => (r.Properties.EgressOnlyInternetGatewayId as { Ref?: string })?.Ref === gateway,
    );
    // One per private subnet (two AZs), and only IPv6.
    expect(routes).toHaveLength(2);
    for (const route of routes) expect(route.Properties.DestinationIpv6CidrBlock).toBe('::/0');
    const ipv4Default = resources(template, 'AWS::EC2::Route').filter(
      (r) => r.Properties.DestinationCidrBlock === '0.0.0.0/0',
    );
    expect(ipv4Default).toEqual([]);
  });

  it('reaches DynamoDB and S3 through free gateway endpoints', () => {
    const services = resources(template, 'AWS::EC2::VPCEndpoint').map((e) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    expect(services).toHaveLength(2);
    expect(services.some((s) => s.includes('.dynamodb'))).toBe(true);
    expect(services.some((s) => s.includes('.s3'))).toBe(true);
    for (const e of resources(template, 'AWS::EC2::VPCEndpoint')) {
      expect(e.Properties.VpcEndpointType).toBe('Gateway');
    }
  });

  it('lets every function in the VPC send IPv6, prefer AAAA records and use dual-stack SQS', () => {
    const vpcFunctions = functions(template).filter(inVpc);
    expect(vpcFunctions.length).toBeGreaterThan(10);
    for (const fn of vpcFunctions) {
      expect(fn.Properties.VpcConfig).toMatchObject({ Ipv6AllowedForDualStack: true });
      expect(environmentOf(fn)).toMatchObject({
        PARLEY_IPV6_EGRESS: 'true',
        NODE_OPTIONS: expect.stringContaining('--dns-result-order=ipv6first'),
      });
    }
    // Outside the VPC nothing changes: those functions have the internet as usual.
    for (const fn of functions(template).filter((f) => !inVpc(f))) {
      expect(environmentOf(fn)).not.toHaveProperty('PARLEY_IPV6_EGRESS');
    }
  });

  it('lets the functions out to HTTPS over IPv6, and to the database itself', () => {
    const functionsSg = resources(template, 'AWS::EC2::SecurityGroup').find(
      (g) => g.Properties.GroupDescription === 'Parley functions in the VPC',
    );
    const egress = functionsSg?.Properties.SecurityGroupEgress as Record<string, unknown>[];
    expect(egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ CidrIpv6: '::/0', FromPort: 443, ToPort: 443 }),
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ]),
    );
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: DATABASE_PORT,
      ToPort: DATABASE_PORT,
      Description: 'functions to database',
    });
  });

  it('connects the functions to the instance over TLS verified by RDS CA, with no proxy', () => {
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
    const instance = onlyId(template, 'AWS::RDS::DBInstance');
    const environments = vpcEnvironments(template).filter((e) => 'DB_SECRET_ARN' in e);
    expect(environments.length).toBeGreaterThan(10);
    for (const environment of environments) {
      expect(environment).toMatchObject({
        DB_HOST: { 'Fn::GetAtt': [instance, 'Endpoint.Address'] },
        DB_PORT: String(DATABASE_PORT),
        NODE_EXTRA_CA_CERTS: RDS_CA_BUNDLE,
      });
    }
    template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Parameters: { 'rds.force_ssl': '1' },
    });
  });

  it('records no traces and no per-invocation Lambda lines, and grants no X-Ray', () => {
    const fns = parleyFunctions(synthesized.lean);
    expect(fns.length).toBeGreaterThan(15);
    for (const [id, fn] of fns) {
      expect(fn.Properties, id).not.toHaveProperty('TracingConfig');
      expect(fn.Properties.LoggingConfig, id).toMatchObject({
        LogFormat: 'JSON',
        SystemLogLevel: 'WARN',
      });
    }
    const xray = resources(template, 'AWS::IAM::Policy').filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('xray:'),
    );
    expect(xray).toEqual([]);
  });

  it("watches the account's Lambda errors and throttles together, not each function", () => {
    const lambda = resources(template, 'AWS::CloudWatch::Alarm').filter(
      (a) => a.Properties.Namespace === 'AWS/Lambda',
    );
    expect(lambda.map((a) => [a.Properties.MetricName, a.Properties.Dimensions])).toEqual([
      ['Errors', undefined],
      ['Throttles', undefined],
    ]);
  });

  it('warns of connections at 60, well before a micro instance without a proxy runs out', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'DatabaseConnections',
      Threshold: 60,
    });
  });

  it('does not rotate the database password, and says why to cdk-nag', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    template.resourceCountIs('AWS::Serverless::Application', 0);
    expect(synthesized.lean.nagFindings).toEqual([]);
  });
});

describe.each(['standard', 'ha'] as const)('the %s profile', (name) => {
  it('reaches the internet through NAT, with no IPv6 settings on the functions', () => {
    const { template } = synthesized[name];
    for (const fn of functions(template).filter(inVpc)) {
      expect(fn.Properties.VpcConfig).not.toHaveProperty('Ipv6AllowedForDualStack');
      expect(environmentOf(fn)).not.toHaveProperty('PARLEY_IPV6_EGRESS');
    }
  });

  it("traces every Parley function and keeps Lambda's own log lines", () => {
    const fns = parleyFunctions(synthesized[name]);
    expect(fns.length).toBeGreaterThan(15);
    for (const [id, fn] of fns) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.LoggingConfig, id).not.toHaveProperty('SystemLogLevel');
    }
  });

  it('puts RDS Proxy between the functions and the database, and rotates its password', () => {
    const { template } = synthesized[name];
    const proxy = onlyId(template, 'AWS::RDS::DBProxy');
    for (const environment of vpcEnvironments(template).filter((e) => 'DB_SECRET_ARN' in e)) {
      expect(environment).toMatchObject({
        DB_HOST: { 'Fn::GetAtt': [proxy, 'Endpoint'] },
        DB_PORT: String(PROXY_PORT),
      });
      expect(environment).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
    }
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
  });
});

describe('changing profile', () => {
  /** Each subnet's logical id with its IPv4 and IPv6 ranges. */
  const subnets = (name: BuiltInProfileName) =>
    Object.entries(synthesized[name].template.findResources('AWS::EC2::Subnet')).map(
      ([id, subnet]) =>
        JSON.stringify([id, subnet.Properties.CidrBlock, subnet.Properties.Ipv6CidrBlock]),
    );

  it('keeps every subnet and its ranges, adding only the public ones that hold NAT', () => {
    const lean = subnets('lean');
    expect(lean).toHaveLength(4);
    for (const name of ['standard', 'ha'] as const) {
      const withNat = subnets(name);
      expect(withNat).toHaveLength(6);
      expect(withNat).toEqual(expect.arrayContaining(lean));
      expect(withNat.filter((s) => !lean.includes(s)).every((s) => s.includes('public'))).toBe(
        true,
      );
    }
  });

  it('keeps the VPC dual-stack with its egress-only gateway in every profile', () => {
    for (const name of Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[]) {
      const { template } = synthesized[name];
      template.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 1);
      template.hasResourceProperties('AWS::EC2::VPCCidrBlock', {
        AmazonProvidedIpv6CidrBlock: true,
      });
    }
  });
});

describe('choosing a profile', () => {
  it(`is ${DEFAULT_PROFILE} when none is named`, () => {
    const { stack } = synthesizeWithContext({});
    expect(stack.config.profile).toBe(DEFAULT_PROFILE);
    expect(stack.config.natGateways).toBe(BUILT_IN_PROFILES[DEFAULT_PROFILE].natGateways);
  });

  it('lets one setting override the profile (-c parley:KEY=VALUE)', () => {
    const { template } = synthesizeWithContext({
      profile: 'lean',
      'parley:databaseInstanceType': 't4g.small',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.small' });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('takes profiles of your own from parley:profiles, on top of a built-in one', () => {
    const { stack, template, nagFindings } = synthesizeWithContext({
      profile: 'pilot',
      'parley:profiles': { pilot: { base: 'lean', databaseMultiAz: true, logRetentionDays: 14 } },
    });
    expect(stack.config.profile).toBe('pilot');
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.t4g.micro',
      MultiAZ: true,
    });
    expect(retentions(template)).toEqual(new Set([14]));
    expect(nagFindings).toEqual([]);
  });

  it('refuses an unknown profile, naming the ones there are', () => {
    expect(() => synthesizeWithContext({ profile: 'tiny' })).toThrow(
      /profile tiny is not one of lean, standard, ha/,
    );
  });

  it('refuses a setting of the wrong type or name in a profile of your own', () => {
    const own = (settings: Record<string, unknown>) => () =>
      synthesizeWithContext({ profile: 'mine', 'parley:profiles': { mine: settings } });
    expect(own({ natGateways: '1' })).toThrow(/natGateways must be a number/);
    expect(own({ natGateway: 1 })).toThrow(/natGateway is not a profile setting/);
    expect(own({ base: 'huge' })).toThrow(/base must be lean, standard or ha/);
  });

  it('refuses rotation without NAT: its function reaches Secrets Manager over IPv4 only', () => {
    expect(() =>
      synthesizeWithContext({ profile: 'lean', 'parley:databaseSecretRotation': 'true' }),
    ).toThrow(/databaseSecretRotation needs NAT/);
  });
});
