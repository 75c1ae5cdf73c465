/**
 * The attachments' bucket (protocol v2, "Files") and its thumbnail worker. Clients PUT and
 * GET objects directly with URLs the functions sign, so the bucket is private (every
 * request is signed), encrypted, TLS-only, and answers the chat page's CORS preflight.
 * The worker runs outside the VPC (it reaches only S3) on x86_64, the platform of the
 * prebuilt sharp binary in node_modules, which the bundle carries as is: synth stays
 * offline (docs/decisions/2026-12-06-files.md).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { FILES_BUCKET } from '../functions/route-table.js';
import {
  BUNDLING,
  type FunctionObservability,
  ParleyFunction,
  UNBUNDLED_MODULES,
} from './parley-function.js';

const {
  uploadPrefix: UPLOAD_PREFIX,
  thumbnailPrefix: THUMBNAIL_PREFIX,
  thumbnailWorker,
} = FILES_BUCKET;
export const THUMBNAIL_WORKER_ENTRY = thumbnailWorker.entry;

/** sharp and what it loads at run time: copied beside the bundle, not bundled. */
export const SHARP_MODULES = [
  'sharp',
  '@img/colour',
  '@img/sharp-linux-x64',
  '@img/sharp-libvips-linux-x64',
  'detect-libc',
  'semver',
];

export interface FilesBucketProps {
  corsOrigins: string[];
  /** 0: objects are kept until deleted. */
  retentionDays: number;
  production: boolean;
  logRetention: RetentionDays;
  observability: FunctionObservability;
}

/** What a function does with the bucket (functions/route-table.ts, `files`). */
export type FilesAccess = 'serve' | 'upload' | 'erase';

export class FilesBucket extends Construct {
  readonly bucket: Bucket;
  readonly thumbnailWorker: ParleyFunction;

  constructor(scope: Construct, id: string, props: FilesBucketProps) {
    super(scope, id);
    const expiration = props.retentionDays > 0 ? Duration.days(props.retentionDays) : undefined;
    this.bucket = new Bucket(this, 'Bucket', {
      // S3-managed keys: presigned GETs need no kms:Decrypt grant to every reader's path,
      // and nothing here needs a key policy of its own.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      // An upload id is never reused and objects are never overwritten: versions would
      // only keep deleted files around.
      versioned: false,
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins: props.corsOrigins,
          // What a signed upload's `headers` hold (stores/s3/file-store.ts).
          allowedHeaders: ['content-type', 'content-disposition', 'x-amz-meta-*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ...(expiration
          ? [
              { id: 'expire-uploads', prefix: UPLOAD_PREFIX, expiration },
              // Thumbnails go with their objects.
              { id: 'expire-thumbnails', prefix: THUMBNAIL_PREFIX, expiration },
            ]
          : []),
      ],
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: 'AwsSolutions-S1',
        reason:
          'Every request to this bucket is signed by a Parley function for one object and ' +
          'one user; CloudTrail data events are the audit trail if one is wanted, not ' +
          'server access logs in a second bucket.',
      },
    ]);

    this.thumbnailWorker = new ParleyFunction(this, 'ThumbnailWorker', {
      entry: THUMBNAIL_WORKER_ENTRY,
      architecture: Architecture.X86_64,
      memorySize: thumbnailWorker.memoryMb,
      timeout: Duration.seconds(thumbnailWorker.timeoutSeconds),
      environment: { S3_BUCKET: this.bucket.bucketName, POWERTOOLS_LOG_LEVEL: 'INFO' },
      logRetention: props.logRetention,
      observability: props.observability,
      bundling: {
        ...BUNDLING,
        externalModules: [
          ...BUNDLING.externalModules,
          ...(UNBUNDLED_MODULES[THUMBNAIL_WORKER_ENTRY] ?? []),
        ],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Offline: the prebuilt linux-x64 sharp from node_modules, never `npm install`.
          afterBundling: (inputDir: string, outputDir: string) =>
            SHARP_MODULES.map(
              (name) =>
                `mkdir -p "${outputDir}/node_modules/${name}" && ` +
                `cp -RL "${inputDir}/node_modules/${name}/." "${outputDir}/node_modules/${name}/"`,
            ),
        },
      },
    });
    this.thumbnailWorker.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`)],
      }),
    );
    this.thumbnailWorker.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${THUMBNAIL_PREFIX}*`)],
      }),
    );
    this.bucket.addEventNotification(
      EventType.OBJECT_CREATED,
      new LambdaDestination(this.thumbnailWorker),
      { prefix: UPLOAD_PREFIX },
    );
  }

  /**
   * `serve`: read objects and thumbnails (HEAD on send, signed GETs for readers);
   * `upload`: also sign PUTs of uploads; `erase`: delete uploads and thumbnails, nothing
   * else (erasing a user). Each with `S3_BUCKET` set.
   */
  grant(fn: IGrantable & NodejsFunction, access: FilesAccess): void {
    fn.addEnvironment('S3_BUCKET', this.bucket.bucketName);
    if (access === 'erase') {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:DeleteObject'],
          resources: [
            this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`),
            this.bucket.arnForObjects(`${THUMBNAIL_PREFIX}*`),
          ],
        }),
      );
      return;
    }
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`),
          this.bucket.arnForObjects(`${THUMBNAIL_PREFIX}*`),
        ],
      }),
    );
    if (access === 'upload') {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['s3:PutObject'],
          resources: [this.bucket.arnForObjects(`${UPLOAD_PREFIX}*`)],
        }),
      );
    }
  }
}
