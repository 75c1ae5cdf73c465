/**
 * A dev-server start-up failure the user can fix: one line saying what is wrong and what to
 * do about it, printed first and without a stack (PARLEY_DEBUG=1 adds the stack and
 * `details`, such as the tail of PostgreSQL's log).
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    readonly reason: string,
    readonly fix: string,
    options: { cause?: unknown; details?: string } = {},
  ) {
    super(`${reason}; fix: ${fix}`, options.cause === undefined ? {} : { cause: options.cause });
    this.details = options.details;
  }

  readonly details: string | undefined;
}

/** Node's errors for things a user can fix, as StartupErrors; others are left alone. */
export function explainSystemError(error: unknown, context: { port?: number; dataDir?: string }) {
  if (error instanceof StartupError) return error;
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  switch (e?.code) {
    case 'EADDRINUSE':
      return new StartupError(
        `port ${e.port ?? context.port ?? '?'} is already in use`,
        'stop what listens there, or start with PORT=<another port>',
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new StartupError(
        `permission denied: ${e.path ?? e.address ?? e.message}`,
        'run as a user that may write DATA_DIR (and bind PORT), or choose another DATA_DIR',
        { cause: error },
      );
    case 'ENOTDIR':
    case 'EEXIST':
      return new StartupError(
        `DATA_DIR ${context.dataDir ?? e.path ?? ''} is not a directory`,
        'point DATA_DIR at a directory (it is created if missing)',
        { cause: error },
      );
    case 'ENOSPC':
      return new StartupError('the disk is full', 'free some space, or choose another DATA_DIR', {
        cause: error,
      });
    default:
      return error;
  }
}

/**
 * The lines printed for a failed start: the reason and its fix first, then (only with
 * `debug`) the details and the stack.
 */
export function describeStartupFailure(error: unknown, debug: boolean): string[] {
  const lines: string[] = [];
  if (error instanceof StartupError) {
    lines.push(`cannot start: ${error.reason}; fix: ${error.fix}`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`cannot start: ${message.split('\n')[0] ?? ''} (PARLEY_DEBUG=1 prints the stack)`);
  }
  if (debug) {
    if (error instanceof StartupError && error.details) lines.push(error.details);
    const cause = error instanceof StartupError ? error.cause : error;
    if (cause instanceof Error && cause.stack) lines.push(cause.stack);
    else if (error instanceof Error && error.stack) lines.push(error.stack);
  } else if (error instanceof StartupError && error.details) {
    lines.push('  (PARLEY_DEBUG=1 prints the details)');
  }
  return lines;
}
