/**
 * How the terminal chat shows what arrives: one short line each. A message's seq is shown
 * (`#12`) because `/edit`, `/delete`, `/react`, `/reply` and `/thread` name messages by it;
 * one of a room other than the current one carries the room's id before it (`team#12`).
 */
import {
  type Attachment,
  formatFileSize,
  highlightSegments,
  type JoinResult,
  type MemberUpdateEvent,
  type Message,
  type PresenceEntry,
  type PresenceEvent,
  type Reaction,
  type ReactionEvent,
  type RemovedEvent,
  type RoomSummary,
  type SearchResult,
} from '../client/index.js';

/** Longest message preview in `/rooms`, in characters. */
const PREVIEW_CHARS = 40;

function where(roomId: string, seq: number, current: string): string {
  return `${roomId === current ? '' : roomId}#${seq}`;
}

function time(message: Message): string {
  return message.createdAt.slice(11, 19);
}

/**
 * `[12:00:01] #3 alice: hello`; a tombstone shows as deleted, an edit says so, a reply
 * names what it answers (`#4 bob ↪ #3: yes`), reactions follow the text (`  👍 2 ❤ 1`).
 */
export function messageLine(message: Message, current: string): string {
  const head = `[${time(message)}] ${where(message.roomId, message.seq, current)}`;
  if (message.deleted) return `${head} ${message.userId}: (deleted)`;
  const edited = message.editedAt === undefined ? '' : ' (edited)';
  const reply = message.replyTo === undefined ? '' : ` ↪ #${message.replyTo}`;
  const reactions = reactionsText(message.reactions);
  const files = (message.attachments ?? []).map((file) => `\n  ${attachmentText(file)}`);
  return `${head} ${message.userId}${edited}${reply}: ${message.content}${reactions ? `  ${reactions}` : ''}${files.join('')}`;
}

/** `📎 plan.pdf (1.2 MB) https://…`: the link is short-lived, as the server signs it. */
export function attachmentText(file: Attachment): string {
  return `📎 ${file.fileName} (${formatFileSize(file.size)}) ${file.url}`;
}

/** How a search match stands out: bold on a terminal, `[brackets]` in a pipe or a file. */
export type Emphasis = 'bold' | 'brackets';

/** `  team#12 ana [12:00:01]: the [invoice] is paid`: one search hit. */
export function searchLine({ message, highlight }: SearchResult, emphasis: Emphasis): string {
  const text = highlightSegments(highlight.replace(/\s+/g, ' '))
    .map(({ text, match }) => {
      if (!match) return text;
      return emphasis === 'bold' ? `\x1b[1m${text}\x1b[22m` : `[${text}]`;
    })
    .join('');
  return `  ${message.roomId}#${message.seq} ${message.userId} [${time(message)}]: ${text}`;
}

/** `👍 2 ❤ 1`: each emoji and its count, in the server's order; empty without any. */
export function reactionsText(reactions: readonly Reaction[] | undefined): string {
  return (reactions ?? [])
    .filter((r) => r.count > 0)
    .map((r) => `${r.emoji} ${r.count}`)
    .join(' ');
}

/** `* alice reacted 👍 to #12`, or `* alice took back 👍 on #12`. */
export function reactionLine(event: ReactionEvent, current: string): string {
  const target = where(event.roomId, event.seq, current);
  return event.on
    ? `* ${event.userId} reacted ${event.emoji} to ${target}`
    : `* ${event.userId} took back ${event.emoji} on ${target}`;
}

/** `ana is typing…`, `ana and bob are typing…`, `ana, bob and 2 more are typing…`; '' for nobody. */
export function typingText(users: readonly string[]): string {
  const [first, second, ...rest] = users;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (rest.length === 0) return `${first} and ${second} are typing…`;
  return `${first}, ${second} and ${rest.length} more are typing…`;
}

/** The input prompt: who is typing in the current room stands before it, not in the scrollback. */
export function promptText(typingUsers: readonly string[]): string {
  const typing = typingText(typingUsers);
  return typing === '' ? '> ' : `(${typing}) > `;
}

/** `(3)`, `(3, 1 @)` with unread mentions; '' when all is read. */
export function unreadText(unread: number | undefined, mentions = 0): string {
  if (!unread) return '';
  return mentions > 0 ? `(${unread}, ${mentions} @)` : `(${unread})`;
}

/** `* bob is away: lunch`; `* bob is offline (last seen 12:00:01)`. */
export function presenceLine(event: PresenceEvent): string {
  return `* ${statusText(event)}`;
}

/** `/who`: one line each, `  bob away: lunch`. */
export function whoLines(users: readonly PresenceEntry[]): string[] {
  if (users.length === 0) return ['* nobody is here'];
  return users.map((user) => `  ${statusText(user)}`);
}

function statusText(user: PresenceEntry): string {
  const text = user.text ? `: ${user.text}` : '';
  const seen =
    user.status === 'offline' && user.lastSeen
      ? ` (last seen ${user.lastSeen.slice(0, 10)} ${user.lastSeen.slice(11, 19)})`
      : '';
  return `${user.userId} is ${user.status}${text}${seen}`;
}

/**
 * `online: alice, bob and 2 more`: a big room's join reply lists only some of them; then
 * `; 3 unread` when there are.
 */
export function onlineText(joined: JoinResult): string {
  const unlisted = joined.onlineCount - joined.online.length;
  const unread = joined.unread ? `; ${joined.unread} unread` : '';
  return `online: ${joined.online.join(', ')}${unlisted > 0 ? ` and ${unlisted} more` : ''}${unread}`;
}

export function deletedLine(roomId: string, seq: number, current: string): string {
  return `* ${where(roomId, seq, current)} was deleted`;
}

export function memberLine(update: MemberUpdateEvent): string {
  const { userId, roomId, role, change } = update;
  switch (change) {
    case 'added':
      return `* ${userId} was added to ${roomId}${role ? ` as ${role}` : ''}`;
    case 'removed':
      return `* ${userId} left ${roomId} or was removed`;
    case 'role':
      return `* ${userId} is now ${role ?? 'a member'} in ${roomId}`;
    default:
      return `* ${userId} was ${change} in ${roomId}`;
  }
}

export function removedLine({ roomId, reason }: RemovedEvent): string {
  if (reason === 'left') return `* you left ${roomId} for good`;
  return `! you were ${reason} from ${roomId}; /join or /dm to go on elsewhere`;
}

/** `/rooms`: one line a room, columns aligned; unread counts after the id (`general (3, 1 @)`). */
export function roomLines(rooms: RoomSummary[]): string[] {
  if (rooms.length === 0) return ['* no rooms yet: /create ROOM or /dm USER'];
  const rows = rooms.map((room) => [
    ` ${[room.roomId, unreadText(room.unread, room.unreadMentions)].join(' ').trimEnd()}`,
    room.name ?? '-',
    room.kind,
    room.role,
    `#${room.lastSeq}`,
    preview(room.lastMessage),
  ]);
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join(' ')
      .trimEnd(),
  );
}

function preview(message: Message | undefined): string {
  if (!message) return '';
  if (message.deleted) return `${message.userId}: (deleted)`;
  const chars = [...message.content.replace(/\s+/g, ' ')];
  const text =
    chars.length > PREVIEW_CHARS
      ? `${chars.slice(0, PREVIEW_CHARS - 1).join('')}…`
      : chars.join('');
  return `${message.userId}: ${text}`;
}
