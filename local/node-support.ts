/**
 * Which Node.js a developer runs, against the one Lambda runs: `npm run dev` says in one
 * line when it is past its end of life or not an LTS release, so a laptop that quietly
 * stayed on an old Node.js hears about it without being stopped (the repository still
 * works on Node.js 20: docs/decisions/2026-12-07-node-runtime.md).
 */

/**
 * The Node.js major of the Lambda runtime (lib/parley-function.ts LAMBDA_RUNTIME, .nvmrc):
 * kept here, not imported from lib/, so that the dev server does not load aws-cdk-lib.
 * The cdk tests check that the two agree.
 */
export const LAMBDA_NODE_MAJOR = 24;

/**
 * End of life of each LTS line (nodejs.org's release schedule), the day after which it
 * gets no security fixes. Odd majors are never LTS.
 */
export const END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
  26: '2029-04-30',
};

const INSTALL = `install Node.js ${LAMBDA_NODE_MAJOR} (nvm install, or see docs/development.md)`;

/**
 * The one-line notice for Node.js `version` (as `process.version`) on `today`, or
 * undefined when it is a supported LTS release.
 */
export function nodeVersionNotice(version: string, today: Date): string | undefined {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  if (!Number.isInteger(major)) return undefined;
  const lambda = `Lambda runs Node.js ${LAMBDA_NODE_MAJOR}`;
  const endOfLife = END_OF_LIFE[major];
  if (endOfLife !== undefined) {
    if (today.toISOString().slice(0, 10) <= endOfLife) return undefined;
    return `Node.js ${version} reached its end of life on ${endOfLife} (no more security fixes); ${lambda}: ${INSTALL}`;
  }
  if (major % 2 === 1) {
    return `Node.js ${version} is not an LTS release; ${lambda}: ${INSTALL}`;
  }
  // An even major newer than the table: an LTS line this file has not heard of yet.
  if (major > LAMBDA_NODE_MAJOR) return undefined;
  return `Node.js ${version} is older than any release Parley supports; ${lambda}: ${INSTALL}`;
}
