/**
 * The Lambda default for the routes that use the stores: a runtime made from the
 * environment on first use and kept for the container's life, and the standalone senders.
 * An entry file calls this once, at load (`export const handler = makeX(lambdaWiring())`):
 * the binding it returns is the container's one piece of state kept between invocations.
 */
import { type Once, once } from '../shared/memo.js';
import { readConfig } from './config.js';
import { createRuntime, type Runtime } from './deps.js';
import { type ReplySenders, standaloneSenders } from './senders.js';

export interface LambdaWiring {
  runtime: Once<Runtime>;
  replySender: ReplySenders;
}

export function lambdaWiring(): LambdaWiring {
  return {
    runtime: once(() => createRuntime(readConfig())),
    replySender: standaloneSenders(),
  };
}
