/** The CDK app: `npx cdk synth` / `npx cdk deploy`. */
import { App } from 'aws-cdk-lib';
import { ParleyStack } from '../lib/parley-stack.js';

const app = new App();
const stageName = String(app.node.tryGetContext('parley:stage') ?? 'prod');
new ParleyStack(app, 'Parley', {
  stageName,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
