/**
 * The terminal chat's slash commands: each line that starts with `/` is one, run against
 * the SDK; what it did, or why it could not, is one printed line. Anything else typed is a
 * message for the current room (chat-cli.ts sends it).
 */
import type { webcrypto } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatFileSize, isParleyError, type ParleyClient } from '../client/index.js';
import {
  type Emphasis,
  messageLine,
  onlineText,
  roomLines,
  searchLine,
  whoLines,
} from './chat-format.js';
import { contentTypeOf } from './content-types.js';

/**
 * End-to-end encryption as the SDK provides it (client/crypto.ts): a key derived from a
 * passphrase and the room's id, set on the client, which then encrypts what it sends to
 * the room and decrypts what it hands out.
 */
export interface RoomKeys {
  deriveRoomKey(passphrase: string, roomId: string): Promise<webcrypto.CryptoKey>;
  setRoomKey(roomId: string, key: webcrypto.CryptoKey): void | Promise<void>;
}

export interface ChatSession {
  readonly client: ParleyClient;
  /** The room typed lines go to; `/join`, `/create` and `/dm` change it. */
  room: string;
  print(line: string): void;
  /** How `/search` marks matches; default `brackets`. */
  emphasis?: Emphasis;
  /** What `/key` uses; without it `/key` says the chat cannot encrypt. */
  keys?: RoomKeys;
  /** The last `/search` while it has more pages, for `/more`. */
  nextSearch?: { query: string; cursor: string };
}

/** Hits per `/search` page: a screenful. */
const SEARCH_PAGE = 10;

export const HELP = `commands:
  /rooms                        your rooms: id (unread, @mentions), name, kind, role, last seq and message
  /join ROOM                    join ROOM and talk there
  /create ROOM [private]        create ROOM (you own it; public unless private) and talk there
  /dm USER                      open your direct-message room with USER and talk there
  /kick USER                    remove USER from the current room
  /ban USER [MINUTES] [REASON]  ban USER from the current room, for MINUTES or until unbanned
  /edit SEQ TEXT                replace the text of message #SEQ of the current room
  /delete SEQ                   delete message #SEQ of the current room
  /react SEQ EMOJI              react to message #SEQ with EMOJI (/unreact SEQ EMOJI takes it back)
  /reply SEQ TEXT               send TEXT as a reply to message #SEQ
  /thread SEQ                   the replies to message #SEQ
  /read                         mark the current room read up to its newest message
  /search QUERY                 find messages in your rooms (/more for the next results)
  /upload PATH [TEXT]           send the file at PATH to the current room, with TEXT
  /key PASSPHRASE               the current (encrypted) room's passphrase: decrypts and encrypts it
  /status STATUS [TEXT]         set your status (online, away or dnd), with an optional note
  /who                          who is in the current room, and their status
  /help                         this list
  /quit                         leave (Ctrl-D too)
anything else is sent to the current room`;

class CommandUsage extends Error {}

type Command = (session: ChatSession, args: string) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  help: async (session) => {
    for (const line of HELP.split('\n')) session.print(line);
  },
  rooms: async (session) => {
    const { rooms, cursor } = await session.client.listRooms();
    for (const line of roomLines(rooms)) session.print(line);
    if (cursor !== undefined) session.print(`* more rooms than these ${rooms.length}`);
  },
  join: async (session, args) => {
    await switchTo(session, word(args, '/join ROOM'));
  },
  create: async (session, args) => {
    const [roomId, visibility, extra] = words(args);
    if (!roomId || extra || (visibility !== undefined && visibility !== 'private')) {
      throw new CommandUsage('/create ROOM [private]');
    }
    await session.client.createRoom(roomId, visibility ? { visibility } : {});
    session.print(`* created ${roomId}${visibility ? ' (private)' : ''}`);
    await switchTo(session, roomId);
  },
  dm: async (session, args) => {
    const room = await session.client.openDm(word(args, '/dm USER'));
    await switchTo(session, room.roomId);
  },
  kick: async (session, args) => {
    const userId = word(args, '/kick USER');
    await session.client.removeMember(session.room, userId);
    session.print(`* ${userId} was removed from ${session.room}`);
  },
  ban: async (session, args) => {
    const [userId, second, ...rest] = words(args);
    if (!userId) throw new CommandUsage('/ban USER [MINUTES] [REASON]');
    const minutes = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
    if (minutes === 0) throw new CommandUsage('/ban USER [MINUTES] [REASON]: MINUTES from 1');
    const reasonWords = minutes === undefined && second !== undefined ? [second, ...rest] : rest;
    const reason = reasonWords.join(' ');
    await session.client.ban(session.room, userId, {
      ...(minutes === undefined ? {} : { durationSec: minutes * 60 }),
      ...(reason === '' ? {} : { reason }),
    });
    const span = minutes === undefined ? '' : ` for ${minutes} min`;
    session.print(`* ${userId} was banned from ${session.room}${span}`);
  },
  edit: async (session, args) => {
    const match = /^(\S+)\s+(.*\S)/.exec(args);
    if (!match) throw new CommandUsage('/edit SEQ TEXT');
    // The room hears `message_updated`, and so does this client: that prints the result.
    await session.client.editMessage(session.room, seqOf(match[1]), match[2] ?? '');
  },
  delete: async (session, args) => {
    await session.client.deleteMessage(session.room, seqOf(word(args, '/delete SEQ')));
  },
  // The message comes back with its new counts (`message_updated`), which prints it.
  react: async (session, args) => {
    const [seq, emoji] = seqAndEmoji(args, '/react SEQ EMOJI');
    await session.client.react(session.room, seq, emoji);
  },
  unreact: async (session, args) => {
    const [seq, emoji] = seqAndEmoji(args, '/unreact SEQ EMOJI');
    await session.client.react(session.room, seq, emoji, false);
  },
  reply: async (session, args) => {
    const match = /^(\S+)\s+(.*\S)/.exec(args);
    if (!match) throw new CommandUsage('/reply SEQ TEXT');
    // The acked reply prints in seq order with the rest, as a typed line does.
    await session.client.send(session.room, match[2] ?? '', { replyTo: seqOf(match[1]) });
  },
  thread: async (session, args) => {
    const seq = seqOf(word(args, '/thread SEQ'));
    const { messages, hasMore } = await session.client.thread(session.room, seq);
    if (messages.length === 0) session.print(`* no replies to #${seq}`);
    // A header, so the replies read as the thread's and not as new messages arriving.
    else session.print(`* replies to #${seq}:`);
    for (const message of messages) session.print(messageLine(message, session.room));
    if (hasMore) session.print(`* more replies than these ${messages.length}`);
  },
  read: async (session, args) => {
    if (args !== '') throw new CommandUsage('/read');
    const { readSeq } = await session.client.markRead(session.room);
    session.print(`* ${session.room} read up to #${readSeq}`);
  },
  status: async (session, args) => {
    const match = /^(online|away|dnd)(?:\s+(.*\S))?\s*$/.exec(args);
    if (!match) throw new CommandUsage('/status online|away|dnd [TEXT]');
    const status = match[1] as 'online' | 'away' | 'dnd';
    const text = match[2];
    await session.client.setStatus(status, text);
    session.print(`* you are ${status}${text === undefined ? '' : `: ${text}`}`);
  },
  search: async (session, args) => {
    const query = args.trim();
    if (query === '') throw new CommandUsage('/search QUERY');
    await searchPage(session, query);
  },
  more: async (session, args) => {
    if (args !== '') throw new CommandUsage('/more');
    const next = session.nextSearch;
    if (!next) throw new CommandUsage('/more follows a /search with more results');
    await searchPage(session, next.query, next.cursor);
  },
  upload: async (session, args) => {
    const match = /^(\S+)(?:\s+(.*\S))?\s*$/.exec(args);
    const filePath = match?.[1];
    if (!filePath) throw new CommandUsage('/upload PATH [TEXT]');
    const fileName = path.basename(filePath);
    const data = new Uint8Array(await readFile(filePath));
    const room = session.room;
    const file = await session.client.upload(room, {
      name: fileName,
      type: contentTypeOf(fileName),
      data,
    });
    session.print(`* uploaded ${file.fileName} (${formatFileSize(file.size)}) to ${room}`);
    // The message prints when its ack comes back, with its attachment after it.
    await session.client.send(room, match[2] ?? '', { attachments: [file.uploadId] });
  },
  key: async (session, args) => {
    const passphrase = args.trim();
    if (passphrase === '') throw new CommandUsage('/key PASSPHRASE');
    const keys = session.keys;
    if (!keys) {
      session.print('! /key: this chat was built without end-to-end encryption');
      return;
    }
    const room = session.room;
    await keys.setRoomKey(room, await keys.deriveRoomKey(passphrase, room));
    session.print(`* key set for ${room}: its messages are encrypted and decrypted here`);
  },
  who: async (session, args) => {
    if (args !== '') throw new CommandUsage('/who');
    for (const line of whoLines(await session.client.getPresence(session.room))) {
      session.print(line);
    }
  },
};

/**
 * What the user is typing changed (a key pressed): the current room hears `typing` while
 * it is a message, not while it is a command or empty. The SDK throttles and ends it.
 */
export function onInput(session: ChatSession, line: string): void {
  if (line.trim() === '' || line.startsWith('/')) session.client.stopTyping(session.room);
  else session.client.typing(session.room);
}

/**
 * Runs one command line (`/name args`); false for `/quit`, which the caller handles.
 * Never rejects: a failure is printed.
 */
export async function runCommand(session: ChatSession, line: string): Promise<boolean> {
  const match = /^\/(\S*)\s*(.*)$/.exec(line.trim());
  const name = match?.[1] ?? '';
  if (name === 'quit') return false;
  const command = COMMANDS[name];
  if (!command) {
    session.print(`! unknown command /${name}; /help lists them`);
    return true;
  }
  try {
    await command(session, match?.[2] ?? '');
  } catch (error) {
    if (error instanceof CommandUsage) session.print(`! usage: ${error.message}`);
    else if (isParleyError(error)) session.print(`! /${name}: ${error.code}: ${error.message}`);
    else session.print(`! /${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return true;
}

/** Prints one page of hits for `query`, and remembers the next for `/more`. */
async function searchPage(session: ChatSession, query: string, cursor?: string): Promise<void> {
  const page = await session.client.search(query, {
    limit: SEARCH_PAGE,
    ...(cursor === undefined ? {} : { cursor }),
  });
  if (page.results.length === 0) session.print(`* nothing found for "${query}"`);
  else session.print(`* messages with "${query}":`);
  for (const result of page.results) {
    session.print(searchLine(result, session.emphasis ?? 'brackets'));
  }
  if (page.cursor === undefined) delete session.nextSearch;
  else {
    session.nextSearch = { query, cursor: page.cursor };
    session.print('* more: /more');
  }
}

/** Joins a room (if not yet) and makes it the current one; the rooms left behind stay joined. */
async function switchTo(session: ChatSession, roomId: string): Promise<void> {
  const joined = await session.client.join(roomId);
  session.room = roomId;
  session.print(`* now in ${roomId}; ${onlineText(joined)}`);
}

function words(args: string): string[] {
  return args.split(/\s+/).filter((w) => w !== '');
}

/** The one word a command takes; else its `usage`. */
function word(args: string, usage: string): string {
  const [first, extra] = words(args);
  if (!first || extra) throw new CommandUsage(usage);
  return first;
}

function seqAndEmoji(args: string, usage: string): [number, string] {
  const [seq, emoji, extra] = words(args);
  if (!seq || !emoji || extra) throw new CommandUsage(usage);
  return [seqOf(seq), emoji];
}

function seqOf(text: string | undefined): number {
  if (!text || !/^#?\d+$/.test(text) || Number(text.replace('#', '')) < 1) {
    throw new CommandUsage('SEQ is a message number as shown, e.g. 12 or #12');
  }
  return Number(text.replace('#', ''));
}
