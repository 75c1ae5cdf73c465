/**
 * Every Parley Lambda is built the same way: Node.js 24 on arm64, bundled by the local
 * esbuild (no Docker) into minified ESM with source maps, X-Ray tracing, a log group with
 * a retention, JSON logs; each function's cdk-nag exceptions on that function alone; inside the VPC's private subnets when it is given one (the
 * functions that use a store).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { type CfnPolicy, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  type CfnFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { type BundlingOptions, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { BuildOptions } from 'esbuild';
import { FUNCTION_TIMEOUT_SECONDS } from '../functions/route-table.js';

const FUNCTIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'functions');

/**
 * The newest Node.js LTS that Lambda runs in production. aws-cdk-lib also knows
 * `nodejs26.x`, which Lambda offers as a public preview only ("not for production use"), so
 * cdk-nag's AwsSolutions-L1 (latest runtime) is answered with that reason below. Why, and
 * what moving took: docs/decisions/2026-12-07-node-runtime.md.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** The esbuild options every bundle shares; the bundle-size test uses them too. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  // Maps of file positions only: the sources themselves would quadruple what a cold start
  // loads, for stack traces that only need the positions.
  sourcesContent: false,
  // The Lambda runtime's Node.js (LAMBDA_RUNTIME): esbuild lowers nothing that it runs.
  target: 'node24',
  mainFields: ['module', 'main'],
  // ESM bundles still meet CommonJS dependencies that call require().
  banner:
    "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  // The AWS SDK is bundled, not taken from the runtime (CDK's default): a fresh process
  // imports the bundle that carries it faster than a smaller one that loads the SDK from
  // node_modules (docs/decisions/2026-12-06-bundles.md). It also pins the SDK version to
  // the one the tests ran.
  // Except the credential providers after the first in the SDK's default chain: on Lambda
  // the first (environment variables, which Lambda sets) always answers, so these are
  // never loaded; they are dynamic imports, and should one ever run it finds the copy in
  // the Lambda runtime's own SDK. Leaving them out saves bundle size (the figure is in the
  // same record).
  externalModules: [
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
  ] as string[],
};

/**
 * Modules an entry loads from node_modules beside its bundle instead of bundling them:
 * native code (sharp's prebuilt libvips), which the stack copies in (lib/files-bucket.ts).
 */
export const UNBUNDLED_MODULES: Record<string, string[]> = { 'thumbnail-worker': ['sharp'] };

/**
 * The esbuild options that produce the same bundle as BUNDLING, for measuring bundles
 * outside CDK (the bundle-size test, the cold-start benchmark).
 */
export function esbuildOptionsFor(entry: string): BuildOptions {
  return {
    entryPoints: [path.join(FUNCTIONS_DIR, `${entry}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.externalModules, ...(UNBUNDLED_MODULES[entry] ?? [])],
    logLevel: 'silent',
  };
}

/** What a function records beyond its own log lines (the profile's choice). */
export interface FunctionObservability {
  /** Active X-Ray tracing. */
  tracing: boolean;
  /** Lambda's start and report lines for every invocation (else warnings and errors only). */
  platformLogs: boolean;
}

export const FULL_OBSERVABILITY: FunctionObservability = { tracing: true, platformLogs: true };

export interface ParleyFunctionProps {
  /** The file in functions/, without extension. */
  entry: string;
  vpc?: IVpc;
  securityGroups?: ISecurityGroup[];
  /**
   * The VPC's way out is IPv6 only (no NAT, lib/network.ts): the function may send IPv6,
   * prefers AAAA records, and asks SQS for its dual-stack endpoint.
   */
  ipv6Egress?: boolean;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  logRetention: RetentionDays;
  /** arm64 unless a native module's prebuilt binary says otherwise (the thumbnail worker). */
  architecture?: Architecture;
  /** The shared BUNDLING unless a function needs more (sharp copied beside the bundle). */
  bundling?: BundlingOptions;
  /** Tracing and Lambda's own log lines; both on unless the profile says otherwise. */
  observability?: FunctionObservability;
}

export class ParleyFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ParleyFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const ipv6 = props.vpc !== undefined && props.ipv6Egress === true;
    const observability = props.observability ?? FULL_OBSERVABILITY;
    super(scope, id, {
      entry: path.join(FUNCTIONS_DIR, `${props.entry}.ts`),
      handler: 'handler',
      runtime: LAMBDA_RUNTIME,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(FUNCTION_TIMEOUT_SECONDS.route),
      loggingFormat: LoggingFormat.JSON,
      ...(observability.platformLogs ? {} : { systemLogLevelV2: SystemLogLevel.WARN }),
      logGroup,
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: props.securityGroups,
            ...(ipv6 ? { ipv6AllowedForDualStack: true } : {}),
          }
        : {}),
      environment: {
        // Without a route for IPv4 to the internet, an A record first would cost each new
        // connection Node's happy-eyeballs wait before it tries the AAAA one.
        NODE_OPTIONS: ipv6
          ? '--enable-source-maps --dns-result-order=ipv6first'
          : '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'parley',
        ...(ipv6 ? { PARLEY_IPV6_EGRESS: 'true' } : {}),
        ...props.environment,
      },
      bundling: props.bundling ?? BUNDLING,
    });
    if (observability.tracing) this.traceActively();
    NagSuppressions.addResourceSuppressions(this, [
      {
        id: 'AwsSolutions-L1',
        reason:
          `${LAMBDA_RUNTIME.name} is the newest Node.js runtime Lambda supports for production; ` +
          'nodejs26.x is a public preview, "not for production use" ' +
          '(docs/decisions/2026-12-07-node-runtime.md).',
      },
    ]);
  }

  /**
   * Active X-Ray tracing, with its two actions in a policy of their own rather than in
   * the role's default policy (where `tracing: Tracing.ACTIVE` puts them). They take no
   * resource ARN, so cdk-nag reports `Resource::*`; accepting that on this policy alone
   * keeps any other grant on `*`, added to the role later, reported.
   */
  private traceActively(): void {
    const cfnFunction = this.node.defaultChild as CfnFunction;
    cfnFunction.tracingConfig = { mode: Tracing.ACTIVE };
    const tracing = new Policy(this, 'Tracing', {
      statements: [
        new PolicyStatement({
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        }),
      ],
      roles: [this.role!],
    });
    cfnFunction.addDependency(tracing.node.defaultChild as CfnPolicy);
    NagSuppressions.addResourceSuppressions(tracing, [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level scope.',
        appliesTo: ['Resource::*'],
      },
    ]);
  }
}
