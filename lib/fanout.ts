/**
 * The fan-out queue: SQS with a dead-letter queue, and the worker Lambda its event source
 * mapping runs with bounded concurrency (functions/fanout-settings.ts holds the numbers,
 * which the local gateway's emulated queue uses too). Big rooms' deliveries and retried
 * posts go through it; see docs/capacity.md for the sizing.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FANOUT_WORKER } from '../functions/fanout-settings.js';

/**
 * The queue and its dead-letter queue, made first so the store functions can be given
 * their URLs; the worker is attached once the function factory has made it.
 */
export class Fanout extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Fires when anything reaches the dead-letter queue: posts that were never delivered. */
  readonly deadLetterAlarm: Alarm;
  /** Fires when jobs wait longer than a minute: the workers cannot keep up. */
  readonly backlogAlarm: Alarm;

  constructor(scope: Construct, id: string) {
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
    const alarm = (id: string, metric: IMetric, threshold: number, periods: number, text: string) =>
      new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: `Fan-out: ${text}`,
      });
    const perMinute = { period: Duration.minutes(1), statistic: 'Maximum' };
    this.deadLetterAlarm = alarm(
      'DeadLettersAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible(perMinute),
      1,
      1,
      'posts were dead-lettered (never delivered); see the DLQ',
    );
    this.backlogAlarm = alarm(
      'BacklogAlarm',
      this.queue.metricApproximateAgeOfOldestMessage(perMinute),
      60,
      3,
      'jobs have waited over a minute for a worker',
    );
  }

  /** What every function that delivers (and so may queue) needs in its environment. */
  get environment(): Record<string, string> {
    return {
      FANOUT_QUEUE_URL: this.queue.queueUrl,
      FANOUT_DEAD_LETTER_QUEUE_URL: this.deadLetterQueue.queueUrl,
    };
  }

  /**
   * Runs `worker` on the queue: batches of `batchSize` jobs, at most `maxConcurrency`
   * invocations at once, each failed record reported alone; it may dead-letter too.
   */
  attachWorker(worker: IFunction): void {
    worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: FANOUT_WORKER.batchSize,
        maxConcurrency: FANOUT_WORKER.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    this.deadLetterQueue.grantSendMessages(worker);
  }

  alarmTo(action: IAlarmAction): void {
    this.deadLetterAlarm.addAlarmAction(action);
    this.backlogAlarm.addAlarmAction(action);
  }
}
