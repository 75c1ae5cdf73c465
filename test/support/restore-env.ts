/**
 * For the `load` project, whose files run one after another in one process: what a file
 * writes to process.env (startTestParley configures the handlers through it) is undone
 * before the next file starts, as if each had a process of its own.
 */
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (!(name in before)) delete process.env[name];
  }
  Object.assign(process.env, before);
});
