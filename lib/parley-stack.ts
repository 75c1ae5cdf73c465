/**
 * The Parley stack as far as the spine needs it: the connections table, one function
 * per route from the shared route table, the WebSocket API with the JWT authorizer on
 * $connect, and a stage. Networking, RDS, ElastiCache and operations are the deployment
 * issue's; the handlers read their addresses from the environment set here.
 */
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { AUTHORIZER_ENTRY, ROUTE_ENTRIES } from '../functions/route-table.js';
import { RouteFunction } from './route-function.js';

export interface ParleyStackProps extends StackProps {
  stageName: string;
  /** Handler environment the later deployment issue wires to RDS Proxy, Redis and secrets. */
  handlerEnvironment?: Record<string, string>;
}

export class ParleyStack extends Stack {
  constructor(scope: Construct, id: string, props: ParleyStackProps) {
    super(scope, id, props);

    const connections = new TableV2(this, 'Connections', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const environment = {
      CONNECTIONS_TABLE: connections.tableName,
      ...props.handlerEnvironment,
    };
    const authorizerFn = new RouteFunction(this, 'Authorizer', {
      entry: AUTHORIZER_ENTRY,
      environment,
    });
    const functions = Object.fromEntries(
      Object.entries(ROUTE_ENTRIES).map(([routeKey, entry]) => [
        routeKey,
        new RouteFunction(this, `Route-${entry}`, { entry, environment }),
      ]),
    ) as Record<keyof typeof ROUTE_ENTRIES, RouteFunction>;

    const integration = (routeKey: keyof typeof ROUTE_ENTRIES) =>
      new WebSocketLambdaIntegration(`${routeKey}Integration`, functions[routeKey]);
    const api = new WebSocketApi(this, 'Api', {
      apiName: 'parley',
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: integration('$connect'),
        authorizer: new WebSocketLambdaAuthorizer('JwtAuthorizer', authorizerFn, {
          identitySource: ['route.request.querystring.token'],
        }),
      },
      disconnectRouteOptions: { integration: integration('$disconnect') },
      defaultRouteOptions: { integration: integration('$default') },
    });
    for (const routeKey of Object.keys(ROUTE_ENTRIES) as (keyof typeof ROUTE_ENTRIES)[]) {
      if (routeKey.startsWith('$')) continue;
      api.addRoute(routeKey, { integration: integration(routeKey) });
    }
    const stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: api,
      stageName: props.stageName,
      autoDeploy: true,
    });

    for (const fn of Object.values(functions)) {
      connections.grantReadWriteData(fn);
      stage.grantManagementApiAccess(fn);
      fn.addEnvironment('CALLBACK_URL', stage.callbackUrl);
    }

    new CfnOutput(this, 'WebSocketUrl', { value: stage.url });
    new CfnOutput(this, 'CallbackUrl', { value: stage.callbackUrl });
  }
}
