/**
 * `npm run chat -- --url URL (--token TOKEN | --user NAME) --room ROOM [--send TEXT]`
 *
 * A terminal chat on the client SDK. Interactively it prints the room's recent history,
 * presence, incoming messages (with replies and reactions), edits, deletes, reactions and
 * membership changes, shows who is typing in the prompt, tells the room while you type,
 * sends each line typed, and runs slash commands (chat-commands.ts; `/help` lists them,
 * `/quit` or Ctrl-D leaves).
 * With `--send` it joins, sends one message, prints the acked message as JSON and exits,
 * so scripts can use it. Exit codes (docs/development.md, "Terminal chat"): 0 ok; 2 usage
 * (a bad option or URL, no secret for --user); 3 cannot connect, token refused (with the
 * server's reason when it gives one), or the connection kept dropping; 4 the request
 * failed with an error code: the server's, `timeout`, or `payload_too_large` for a frame
 * too big to send; 1 anything else.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import {
  connect,
  deriveRoomKey,
  isParleyError,
  type ParleyClient,
  ParleyError,
  type WebSocketConstructor,
} from '../client/index.js';
import { signDevToken } from '../functions/auth/sign-token.js';
import { type ChatSession, onInput, runCommand } from './chat-commands.js';
import {
  deletedLine,
  memberLine,
  messageLine,
  onlineText,
  presenceLine,
  promptText,
  reactionLine,
  removedLine,
} from './chat-format.js';
import { NoSecretError, secretForCli } from './dev-secret.js';

const USAGE = `usage: npm run chat -- --url URL (--token TOKEN | --user NAME) --room ROOM [--send TEXT]
  --url URL      ws://127.0.0.1:3001 or wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}
  --token TOKEN  a JWT
  --user NAME    mint a dev token for NAME (JWT_SECRET, else DATA_DIR/jwt-secret as the dev server)
  --room ROOM    the room to join
  --send TEXT    send one message, print the acked message as JSON, exit
Interactively, /help lists the commands (/rooms, /join, /create, /dm, /kick, /ban, /edit,
/delete, /react, /unreact, /reply, /thread, /read, /search, /more, /upload, /key, /status,
/who).`;

const EXIT = { ok: 0, failed: 1, usage: 2, connection: 3, server: 4 } as const;

class UsageError extends Error {}

/** The server could not be reached at all (refused, DNS, TLS): reported as `unavailable`. */
class Unreachable extends ParleyError {
  constructor(url: string, reason: string) {
    super('unavailable', `cannot connect to ${url}: ${reason}`);
  }
}

/** A one-shot send gives up after this many dropped connections (the SDK would go on). */
const MAX_DROPS = 3;

function parse() {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { url, token, user, room, send, help } = parsed.values;
  if (help) return undefined;
  if (!url || !room) throw new UsageError('--url and --room are required');
  if (!/^wss?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
    throw new UsageError(
      `--url must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:3001 (got ${url})`,
    );
  }
  if ((token === undefined) === (user === undefined)) {
    throw new UsageError('give exactly one of --token and --user');
  }
  if (send === '') throw new UsageError('--send needs some text');
  return { url, token, user, room, send };
}

function parseOptions() {
  return parseArgs({
    strict: true,
    options: {
      url: { type: 'string' },
      token: { type: 'string' },
      user: { type: 'string' },
      room: { type: 'string' },
      send: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * `ws`, watched: the SDK retries a server it cannot reach for ever (right for an app), but
 * a one-shot command should say so and stop. A socket failing before it opens, for any
 * reason but a refused token (which the SDK reports itself), rejects `unreachable`.
 */
function watchedWebSocket(onUnreachable: (reason: string) => void): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string) {
      super(url);
      let opened = false;
      let failure = 'connection closed';
      this.once('open', () => {
        opened = true;
      });
      this.once('error', (error: Error & { code?: string }) => {
        // After a refused handshake the SDK aborts the socket, which errors too.
        if (failure !== 'refused') failure = error.code ?? error.message;
      });
      this.once('unexpected-response', () => {
        failure = 'refused';
      });
      this.once('close', () => {
        if (!opened && failure !== 'refused') onUnreachable(failure);
      });
    }
  };
}

function exitCodeOf(error: unknown): number {
  if (isParleyError(error, 'unauthorized')) return EXIT.connection;
  if (error instanceof Unreachable) return EXIT.connection;
  if (error instanceof ParleyError) return EXIT.server;
  return EXIT.failed;
}

function fail(error: unknown, hint?: string): never {
  if (error instanceof ParleyError) console.error(`error: ${error.code}: ${error.message}`);
  else console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  if (hint && isParleyError(error, 'unauthorized')) console.error(`  ${hint}`);
  process.exit(exitCodeOf(error));
}

/** `--token`, or a token minted for `--user` with the dev server's secret. */
async function tokenFor(args: { token?: string; user?: string }): Promise<{
  token: string;
  hint?: string;
}> {
  if (args.token !== undefined) return { token: args.token };
  let minted: Awaited<ReturnType<typeof secretForCli>>;
  try {
    minted = await secretForCli(process.env, { create: false });
  } catch (error) {
    if (!(error instanceof NoSecretError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(EXIT.usage);
  }
  if (minted.warning) console.error(`note: ${minted.warning}`);
  return {
    token: await signDevToken(minted.secret, args.user ?? ''),
    // A refusal of a minted token is most often a secret from another DATA_DIR.
    hint: `the token was signed with ${minted.source}; is the server using another DATA_DIR or JWT_SECRET?`,
  };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(EXIT.usage);
  }
  if (!args) {
    console.log(USAGE);
    return;
  }
  const { token, hint } = await tokenFor(args);

  let unreachable: (reason: string) => void = () => {};
  const cannotConnect = new Promise<never>((_, reject) => {
    unreachable = (reason) => reject(new Unreachable(args.url, reason));
  });
  cannotConnect.catch(() => {});
  const client = connect({ url: args.url, token, WebSocket: watchedWebSocket(unreachable) });

  if (args.send !== undefined) {
    let drops = 0;
    client.on('state', (state) => {
      if (state === 'reconnecting' && ++drops >= MAX_DROPS) {
        unreachable(`the connection dropped ${drops} times before the message was acked`);
      }
    });
    const text = args.send;
    const sent = (async () => {
      await client.join(args.room, { limit: 1 });
      return client.send(args.room, text);
    })();
    try {
      const message = await Promise.race([sent, cannotConnect]);
      console.log(JSON.stringify(message));
      await client.close();
    } catch (error) {
      fail(error, hint);
    }
    return;
  }
  await interactive(client, args.room, cannotConnect, hint);
}

async function interactive(
  client: ParleyClient,
  room: string,
  cannotConnect: Promise<never>,
  hint: string | undefined,
): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '> ' });
  // Once the input is closed (/quit, Ctrl-D, the end of piped lines) what still arrives
  // prints without a prompt: Node.js 26 throws on prompt() after close() (ERR_USE_AFTER_CLOSE,
  // which Node.js 20 ignored). Registered first, so it is set before any other close handler.
  let inputClosed = false;
  rl.on('close', () => {
    inputClosed = true;
  });
  const prompt = (preserveCursor?: boolean) => {
    if (!inputClosed) rl.prompt(preserveCursor);
  };
  // Who is typing in the current room stands in the prompt: it changes often, and lines
  // about it would bury the messages.
  const refreshPrompt = () => rl.setPrompt(promptText(client.typingUsers(session.room)));
  // Incoming lines must not land in the middle of what the user is typing.
  const print = (line: string) => {
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    process.stdout.write(`${line}\n`);
    refreshPrompt();
    prompt(true);
  };
  const session: ChatSession = {
    client,
    room,
    print,
    emphasis: process.stdout.isTTY ? 'bold' : 'brackets',
    keys: { deriveRoomKey, setRoomKey: (roomId, key) => client.setRoomKey(roomId, key) },
  };
  client.on('typing_users', ({ roomId }) => {
    if (roomId !== session.room) return;
    if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
    refreshPrompt();
    prompt(true);
  });
  // A terminal reports each key: the room hears that you are typing (readline has
  // already applied the key to `rl.line` when this listener runs).
  if (process.stdin.isTTY) process.stdin.on('keypress', () => onInput(session, rl.line));
  client.on('message', (m) => print(messageLine(m, session.room)));
  client.on('message_updated', (m) => print(messageLine(m, session.room)));
  client.on('message_deleted', (d) => print(deletedLine(d.roomId, d.seq, session.room)));
  client.on('reaction', (r) => print(reactionLine(r, session.room)));
  client.on('member_update', (update) => print(memberLine(update)));
  client.on('removed', (event) => print(removedLine(event)));
  client.on('presence', (p) => print(presenceLine(p)));
  client.on('state', (state) => {
    if (state !== 'open') print(`* ${state}`);
  });
  client.on('error', (e) => print(`! ${e.code}: ${e.message}`));
  client.on('resync_failed', ({ roomId, error }) => print(`! lost ${roomId}: ${error.code}`));

  // Lines are handled one after another, and only once the first join is done: none is
  // dropped for arriving early, and text typed after `/join` or `/dm` goes to the new room.
  // Sends are not waited for (the SDK keeps their order); commands are.
  let markJoined = () => {};
  let lines = new Promise<void>((resolve) => {
    markJoined = resolve;
  });
  const sends = new Set<Promise<unknown>>();
  const quit = async () => {
    rl.close();
    await Promise.allSettled([...sends]);
    await client.close();
    process.exit(EXIT.ok);
  };
  const onLine = async (line: string): Promise<void> => {
    const text = line.trim();
    if (text.startsWith('/')) {
      if (await runCommand(session, text)) {
        refreshPrompt();
        prompt();
      } else await quit();
      return;
    }
    if (text !== '') {
      // The message itself prints when its ack comes back, in seq order with the rest.
      const sent = client.send(session.room, text).catch((error: unknown) => {
        print(`! not sent: ${isParleyError(error) ? error.code : String(error)}`);
      });
      sends.add(sent);
      void sent.finally(() => sends.delete(sent));
    }
    prompt();
  };
  rl.on('line', (line) => {
    lines = lines.then(() => onLine(line));
  });
  rl.on('close', () => {
    lines = lines.then(quit);
  });

  try {
    const joined = await Promise.race([client.join(room), cannotConnect]);
    print(`* joined ${room}; ${onlineText(joined)}; /quit to leave, /help for commands`);
  } catch (error) {
    rl.close();
    fail(error, hint);
  }
  markJoined();
}

// Anything unforeseen is still one line and exit 1, not a stack trace.
await main().catch((error: unknown) => fail(error));
