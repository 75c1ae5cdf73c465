/**
 * Operations: alarms on what pages someone (Lambda errors and throttles, API Gateway
 * integration errors, RDS CPU and connections, cache throttling) to an encrypted SNS
 * topic, and a dashboard with the same signals.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { CfnServerlessCache } from 'aws-cdk-lib/aws-elasticache';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { DatabaseInstance } from 'aws-cdk-lib/aws-rds';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface OperationsProps {
  stageName: string;
  functions: Record<string, IFunction>;
  api: WebSocketApi;
  stage: WebSocketStage;
  database: DatabaseInstance;
  /** Whether RDS Proxy pools the functions' connections (else each container holds one). */
  databaseProxy: boolean;
  /** Alarms per function, or one for the account's functions together (lib/profiles.ts). */
  alarmsPerFunction: boolean;
  cache: CfnServerlessCache;
  /** The cache's usage ceilings: alarms fire at 80% of them. */
  cacheMaxEcpuPerSecond: number;
  cacheMaxDataGiB: number;
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Parley alarm topic',
      enableKeyRotation: true,
    });
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `Parley ${props.stageName} alarms`,
      masterKey: topicKey,
      enforceSSL: true,
    });
    // CloudWatch publishes as its service principal: it needs the topic and the key.
    const account = Stack.of(this).account;
    const cloudwatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    topicKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (
      name: string,
      metric: IMetric,
      threshold: number,
      description: string,
      comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) => {
      const created = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    if (props.alarmsPerFunction) {
      for (const [name, fn] of Object.entries(props.functions)) {
        alarm(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES }), 5, `${name}: errors`);
        alarm(
          `${name}Throttles`,
          fn.metricThrottles({ period: FIVE_MINUTES }),
          1,
          `${name}: throttled`,
        );
      }
    } else {
      // CloudWatch bills an alarm per metric it watches (a math expression over 20 functions
      // costs as much as 20 alarms), so the lean profile watches Lambda's metrics for the
      // whole account and region: 2 alarms instead of about 40. The dashboard names the
      // function.
      const allFunctions = (metricName: string) =>
        new Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period: FIVE_MINUTES });
      alarm(
        'FunctionErrors',
        allFunctions('Errors'),
        5,
        'Lambda errors (every function of the account and region)',
      );
      alarm(
        'FunctionThrottles',
        allFunctions('Throttles'),
        1,
        'Lambda throttles (every function of the account and region)',
      );
    }
    const apiMetric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.api.apiId, Stage: props.stage.stageName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    alarm(
      'ApiIntegrationErrors',
      apiMetric('IntegrationError'),
      10,
      'API Gateway integration errors',
    );
    alarm('ApiExecutionErrors', apiMetric('ExecutionError'), 10, 'API Gateway execution errors');
    alarm(
      'ApiClientErrors',
      apiMetric('ClientError'),
      500,
      'API Gateway client errors (4xx) spike',
    );
    alarm(
      'DatabaseCpu',
      props.database.metricCPUUtilization({ period: FIVE_MINUTES }),
      80,
      'RDS CPU at or above 80%',
    );
    alarm(
      'DatabaseFreeStorage',
      props.database.metricFreeStorageSpace({ period: FIVE_MINUTES, statistic: 'Minimum' }),
      2 * 1024 ** 3,
      'RDS free storage under 2 GiB (storage autoscaling may be at its ceiling)',
      ComparisonOperator.LESS_THAN_THRESHOLD,
    );
    // Behind the proxy the instance sees its pool; without it (lean) every warm function
    // container holds one of a micro instance's ~80, so warn well before they run out.
    alarm(
      'DatabaseConnections',
      props.database.metricDatabaseConnections({ period: FIVE_MINUTES }),
      props.databaseProxy ? 80 : 60,
      props.databaseProxy
        ? 'RDS connections high: check RDS Proxy pinning'
        : 'RDS connections near the instance limit: each warm function container holds one (no proxy)',
    );
    const cacheMetric = (metricName: string, statistic = 'Sum') =>
      new Metric({
        namespace: 'AWS/ElastiCache',
        metricName,
        dimensionsMap: { clusterId: props.cache.serverlessCacheName },
        statistic,
        period: FIVE_MINUTES,
      });
    alarm('CacheThrottled', cacheMetric('ThrottledCmds'), 1, 'ElastiCache throttled commands');
    alarm(
      'CacheEcpuNearLimit',
      cacheMetric('ElastiCacheProcessingUnits'),
      0.8 * props.cacheMaxEcpuPerSecond * FIVE_MINUTES.toSeconds(),
      'Cache ECPUs at 80% of the configured ceiling',
    );
    alarm(
      'CacheDataNearLimit',
      cacheMetric('BytesUsedForCache', 'Maximum'),
      0.8 * props.cacheMaxDataGiB * 1024 ** 3,
      'Cache data at 80% of the configured ceiling',
    );

    new Dashboard(this, 'Dashboard', {
      dashboardName: `parley-${props.stageName}`,
      widgets: [
        [
          new GraphWidget({
            title: 'Lambda errors',
            left: Object.values(props.functions).map((f) => f.metricErrors()),
          }),
          new GraphWidget({
            title: 'Lambda duration p99',
            left: Object.values(props.functions).map((f) => f.metricDuration({ statistic: 'p99' })),
          }),
        ],
        [
          new GraphWidget({
            title: 'API Gateway',
            left: ['ConnectCount', 'MessageCount', 'IntegrationError', 'ClientError'].map(
              apiMetric,
            ),
          }),
          new GraphWidget({
            title: 'PostgreSQL',
            left: [props.database.metricCPUUtilization()],
            right: [props.database.metricDatabaseConnections()],
          }),
          new GraphWidget({
            title: 'Cache',
            left: [cacheMetric('ElastiCacheProcessingUnits'), cacheMetric('ThrottledCmds')],
            right: [cacheMetric('BytesUsedForCache', 'Maximum')],
          }),
        ],
      ],
    });
  }
}
