/**
 * Turns what a function needs (`FunctionNeeds`, declared in functions/route-table.ts) into
 * where it runs and what it may do: inside the VPC with the stores' settings and secrets,
 * outside it with only the listed actions on the connections table, or with no store at
 * all; and, for the functions that post, PostToConnection on this stage's connections.
 * Every Parley function with needs is made here, so a new one (a route, a queue worker)
 * gets exactly its grants from its declaration.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct } from 'constructs';
import type { FunctionNeeds } from '../functions/route-table.js';
import {
  type FunctionObservability,
  ParleyFunction,
  type ParleyFunctionProps,
} from './parley-function.js';

/** The stores, and how a function that uses them reaches them. */
export interface StoreAccess {
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  /** The VPC's way out is IPv6 only (lib/network.ts). */
  ipv6Egress: boolean;
  /** The whole environment of a function that uses the stores. */
  environment: Record<string, string>;
  table: ITableV2;
  /** The secrets such a function reads (database, cache). */
  secrets: ISecret[];
  /** What must be deployed before such a function takes traffic (the schema). */
  deployedBefore: Construct[];
  /** Queues such a function may send to (the fan-out queue: it hands big rooms over). */
  queues: IQueue[];
  logRetention: RetentionDays;
  /** The profile's tracing and Lambda log lines. */
  observability: FunctionObservability;
}

const LOG_LEVEL = { POWERTOOLS_LOG_LEVEL: 'INFO' };

/** Where the functions post: one stage of the WebSocket API. */
interface PostingTarget {
  api: WebSocketApi;
  stage: WebSocketStage;
}

export class FunctionFactory {
  private readonly posting: ParleyFunction[] = [];
  private target: PostingTarget | undefined;

  constructor(
    private readonly scope: Construct,
    private readonly access: StoreAccess,
  ) {}

  /** A function for `entry`, placed and granted as `needs` says. */
  create(
    id: string,
    entry: string,
    needs: FunctionNeeds,
    options: Pick<ParleyFunctionProps, 'memorySize' | 'timeout'> = {},
  ): ParleyFunction {
    const { access } = this;
    const fn = new ParleyFunction(this.scope, id, {
      entry,
      logRetention: access.logRetention,
      observability: access.observability,
      ...options,
      ...this.placement(needs),
    });
    if (needs.stores === 'stores') {
      access.table.grantReadWriteData(fn);
      for (const secret of access.secrets) secret.grantRead(fn);
      for (const queue of access.queues) queue.grantSendMessages(fn);
      for (const construct of access.deployedBefore) fn.node.addDependency(construct);
    } else if (needs.stores === 'connections-table') {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [...needs.tableActions],
          resources: [access.table.tableArn],
        }),
      );
    }
    if (needs.posts) {
      this.posting.push(fn);
      if (this.target) grantPosting(fn, this.target);
    }
    return fn;
  }

  /** Where the functions that post may post: granted now and to any made later. */
  postTo(target: PostingTarget): void {
    this.target = target;
    for (const fn of this.posting) grantPosting(fn, target);
  }

  private placement(
    needs: FunctionNeeds,
  ): Pick<ParleyFunctionProps, 'vpc' | 'securityGroups' | 'ipv6Egress' | 'environment'> {
    const { access } = this;
    switch (needs.stores) {
      case 'stores':
        return {
          vpc: access.vpc,
          securityGroups: access.securityGroups,
          ipv6Egress: access.ipv6Egress,
          environment: access.environment,
        };
      case 'connections-table':
        return { environment: { CONNECTIONS_TABLE: access.table.tableName, ...LOG_LEVEL } };
      case 'none':
        return { environment: LOG_LEVEL };
    }
  }
}

/**
 * PostToConnection on this stage's @connections only: narrower than
 * grantManagementApiAccess, which allows every method.
 */
function grantPosting(fn: ParleyFunction, { api, stage }: PostingTarget): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['execute-api:ManageConnections'],
      resources: [
        Stack.of(fn).formatArn({
          service: 'execute-api',
          resource: api.apiId,
          resourceName: `${stage.stageName}/POST/@connections/*`,
        }),
      ],
    }),
  );
  fn.addEnvironment('CALLBACK_URL', stage.callbackUrl);
  const apiId = Stack.of(api).getLogicalId(api.node.defaultChild as CfnElement);
  const connections = `<${apiId}>\\/${stage.stageName}\\/POST\\/@connections\\/\\*`;
  // Region and account are names, or tokens (`<AWS::Region>`) in an environment-agnostic app.
  const field = '(?:<[^>]+>|[^:<>]+)';
  NagSuppressions.addResourceSuppressions(
    fn,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'execute-api:ManageConnections must name connection ids only known at run time; ' +
          'the grant is scoped to this API, this stage and POST.',
        appliesTo: [
          {
            regex: `/^Resource::arn:<AWS::Partition>:execute-api:${field}:${field}:${connections}$/`,
          },
        ],
      },
    ],
    true,
  );
}
