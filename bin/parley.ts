/** The CDK app: `npx cdk synth` / `npx cdk deploy`, settings from cdk.json context. */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from '../lib/config.js';
import { ParleyStack } from '../lib/parley-stack.js';

const app = new App();
const config = configFromContext(app.node);
new ParleyStack(app, `Parley-${config.stageName}`, {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'Parley: serverless chat on API Gateway WebSockets',
});
// Every synth checks the AWS Solutions rules; an unsuppressed finding fails it.
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
