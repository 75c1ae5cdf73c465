/**
 * The fan-out queue: SQS with a dead-letter queue, and the worker Lambda its event source
 * mapping runs with bounded concurrency (functions/fanout-settings.ts holds the numbers,
 * which the local gateway's emulated queue uses too). Big rooms' deliveries and retried
 * posts go through it; see docs/capacity.md for the sizing.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { ParleyFunction } from './parley-function.js';

export interface FanoutProps {
  vpc: IVpc;
  securityGroups: ISecurityGroup[];
  /** The store functions' environment: the worker reads the stores as the routes do. */
  environment: Record<string, string>;
  logRetention: RetentionDays;
}

export class Fanout extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: ParleyFunction;
  /** Fires when anything reaches the dead-letter queue: posts that were never delivered. */
  readonly deadLetterAlarm: Alarm;
  /** Fires when jobs wait longer than a minute: the workers cannot keep up. */
  readonly backlogAlarm: Alarm;

  constructor(scope: Construct, id: string, props: FanoutProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps a message: time to look into what was not delivered.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Jobs', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(FANOUT_WORKER.visibilityTimeoutSeconds),
      // A job is a frame for live connections: an hour-old one is of no use to anybody.
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: FANOUT_WORKER.maxReceiveCount,
      },
    });
    const environment = {
      ...props.environment,
      FANOUT_QUEUE_URL: this.queue.queueUrl,
      FANOUT_DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
      FANOUT_POSTS_PER_SECOND: String(FANOUT_WORKER.postsPerSecond),
    };
    this.worker = new ParleyFunction(this, 'Worker', {
      entry: FANOUT_WORKER.entry,
      vpc: props.vpc,
      securityGroups: props.securityGroups,
      environment,
      memorySize: FANOUT_WORKER.memoryMb,
      timeout: Duration.seconds(FANOUT_WORKER.timeoutSeconds),
      logRetention: props.logRetention,
    });
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: FANOUT_WORKER.batchSize,
        maxConcurrency: FANOUT_WORKER.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.grantEnqueue(this.worker);
    this.deadLetterQueue.grantSendMessages(this.worker);

    this.deadLetterAlarm = new Alarm(this, 'DeadLettersAlarm', {
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Fan-out: posts were dead-lettered (never delivered); see the DLQ',
    });
    this.backlogAlarm = new Alarm(this, 'BacklogAlarm', {
      metric: this.queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 60,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Fan-out: jobs have waited over a minute for a worker',
    });
  }

  /** Lets a function queue jobs (the store routes hand big rooms and retries over). */
  grantEnqueue(fn: ParleyFunction): void {
    this.queue.grantSendMessages(fn);
    fn.addEnvironment('FANOUT_QUEUE_URL', this.queue.queueUrl);
    fn.addEnvironment('FANOUT_DEAD_LETTER_QUEUE_URL', this.deadLetterQueue.queueUrl);
  }
}
