/**
 * The WebSocket API: route selection on `$request.body.action`, one Lambda integration per
 * route of the shared route table, the REQUEST authorizer on `$connect` reading
 * `?token=`, and a stage with throttling and JSON access logs.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  IpAddressType,
  LogGroupLogDestination,
  WebSocketApi,
  WebSocketRoute,
  WebSocketStage,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { ROUTE_ENTRIES, type RouteKey } from '../functions/route-table.js';
import { ApiGatewayCloudWatchRole } from './api-gateway-logging.js';
import type { FunctionObservability } from './parley-function.js';

export interface ParleyWebSocketApiProps {
  stageName: string;
  authorizer: IFunction;
  routes: Record<RouteKey, IFunction>;
  throttleRateLimit: number;
  throttleBurstLimit: number;
  logRetention: RetentionDays;
  /** The profile's tracing and Lambda log lines, for the function this construct makes. */
  observability: FunctionObservability;
}

/** What each access-log line records (API Gateway `$context` variables for WebSocket). */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  connectionId: '$context.connectionId',
  routeKey: '$context.routeKey',
  eventType: '$context.eventType',
  status: '$context.status',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
};

export class ParleyWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;

  constructor(scope: Construct, id: string, props: ParleyWebSocketApiProps) {
    super(scope, id);
    const integration = (routeKey: RouteKey) =>
      new WebSocketLambdaIntegration(`${routeKey}Integration`, props.routes[routeKey]);
    this.api = new WebSocketApi(this, 'Api', {
      apiName: `parley-${props.stageName}`,
      // Dual-stack: IPv6 clients connect, and functions whose only way out is IPv6 (the
      // lean profile) reach its @connections endpoint.
      ipAddressType: IpAddressType.DUAL_STACK,
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: {
        integration: integration('$connect'),
        authorizer: new WebSocketLambdaAuthorizer('JwtAuthorizer', props.authorizer, {
          identitySource: ['route.request.querystring.token'],
        }),
      },
      disconnectRouteOptions: { integration: integration('$disconnect') },
      defaultRouteOptions: { integration: integration('$default') },
    });
    for (const routeKey of Object.keys(ROUTE_ENTRIES) as RouteKey[]) {
      if (routeKey.startsWith('$')) continue;
      this.api.addRoute(routeKey, { integration: integration(routeKey) });
    }

    // Authorization happens once, on $connect; cdk-nag asks it of every route.
    for (const child of this.api.node.children) {
      if (!(child instanceof WebSocketRoute) || child.routeKey === '$connect') continue;
      NagSuppressions.addResourceSuppressions(child, [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'WebSocket APIs authorize once, on $connect (the JWT authorizer); every later ' +
            'route runs on that authorized connection and its handler uses the bound user id.',
        },
      ]);
    }

    // Stages log only once the account has a CloudWatch role for API Gateway: set where
    // missing, never replaced (api-gateway-logging.ts).
    const logging = new ApiGatewayCloudWatchRole(this, 'Logging', {
      logRetention: props.logRetention,
      observability: props.observability,
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      detailedMetricsEnabled: false,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    // Execution logs of errors only (authorizer failures, integration errors, throttling):
    // INFO would log every message's route selection, and data trace every message body,
    // which is users' chat content. Per-route detailed metrics are left off: the stage's
    // own metrics feed the alarms, and each route's would be billed as custom metrics.
    // The L2 stage sets no logging level, hence the escape hatch.
    const cfnStage = this.stage.node.defaultChild as CfnStage;
    cfnStage.addPropertyOverride('DefaultRouteSettings.LoggingLevel', 'ERROR');
    cfnStage.addPropertyOverride('DefaultRouteSettings.DataTraceEnabled', false);
    this.stage.node.addDependency(logging);
  }
}
