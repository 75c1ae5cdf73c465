/**
 * Synthesizes the stack for assertions, with cdk-nag's AwsSolutions pack applied.
 * Bundling is skipped here (the bundle-size test and CI's `cdk synth` bundle for real).
 */
import { App, Aspects, type Environment } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext, DEFAULT_CONFIG, type ParleyConfig } from '../../lib/config.js';
import { ParleyStack } from '../../lib/parley-stack.js';

export interface Synthesized {
  stack: ParleyStack;
  template: Template;
  /** Every unsuppressed cdk-nag error and warning, as `path: message`. */
  nagFindings: string[];
}

/**
 * `overrides` change the settings (`DEFAULT_CONFIG`, no `deployId`, as `cdk.json` gives
 * them); `change` alters the stack before it is synthesized, as a later edit of the code
 * would; `env` empty makes it environment-agnostic, as `cdk synth` without credentials.
 */
export function synthesize(
  overrides: Partial<ParleyConfig> = {},
  change: (stack: ParleyStack) => void = () => {},
  env: Environment = { account: '123456789012', region: 'eu-west-1' },
): Synthesized {
  return synthesizeApp(() => ({ ...DEFAULT_CONFIG, ...overrides }), {}, change, env);
}

/**
 * As `cdk synth -c profile=NAME -c KEY=VALUE ...` reads it: the settings come from the
 * context, through the same `configFromContext` as bin/parley.ts.
 */
export function synthesizeWithContext(context: Record<string, unknown>): Synthesized {
  return synthesizeApp((app) => configFromContext(app.node), context);
}

function synthesizeApp(
  config: (app: App) => ParleyConfig,
  context: Record<string, unknown>,
  change: (stack: ParleyStack) => void = () => {},
  env: Environment = { account: '123456789012', region: 'eu-west-1' },
): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ParleyStack(app, 'Test', { config: config(app), env });
  change(stack);
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  const annotations = Annotations.fromStack(stack);
  const nag = Match.stringLikeRegexp('AwsSolutions-.*');
  const nagFindings = [
    ...annotations.findError('*', nag),
    ...annotations.findWarning('*', nag),
  ].map((f) => `${f.id}: ${String(f.entry.data).split('\n')[0]}`);
  return { stack, template, nagFindings };
}
