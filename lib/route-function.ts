/**
 * One Lambda per route, all built the same way: Node.js 22 on arm64, bundled by the local
 * esbuild (no Docker), minified ESM with source maps. The full production settings (VPC,
 * alarms, log retention) arrive with the deployment stack.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

const FUNCTIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'functions');

export interface RouteFunctionProps {
  /** The file in functions/, without extension. */
  entry: string;
  environment?: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
}

export class RouteFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id, {
      entry: path.join(FUNCTIONS_DIR, `${props.entry}.ts`),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'parley',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: true,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM bundles still meet CommonJS dependencies that call require().
        banner:
          "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        // Bundle the AWS SDK too rather than using the runtime's copy: the version we test is
        // the version that runs.
        externalModules: [],
      },
    });
  }
}
