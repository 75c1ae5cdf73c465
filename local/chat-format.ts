/**
 * How the terminal chat shows what arrives: one short line each. A message's seq is shown
 * (`#12`) because `/edit` and `/delete` name messages by it; one of a room other than the
 * current one carries the room's id before it (`team#12`).
 */
import type {
  JoinResult,
  MemberUpdateEvent,
  Message,
  RemovedEvent,
  RoomSummary,
} from '../client/index.js';

/** Longest message preview in `/rooms`, in characters. */
const PREVIEW_CHARS = 40;

function where(roomId: string, seq: number, current: string): string {
  return `${roomId === current ? '' : roomId}#${seq}`;
}

function time(message: Message): string {
  return message.createdAt.slice(11, 19);
}

/** `[12:00:01] #3 alice: hello`; a tombstone shows as deleted, an edit says so. */
export function messageLine(message: Message, current: string): string {
  const head = `[${time(message)}] ${where(message.roomId, message.seq, current)}`;
  if (message.deleted) return `${head} ${message.userId}: (deleted)`;
  const edited = message.editedAt === undefined ? '' : ' (edited)';
  return `${head} ${message.userId}${edited}: ${message.content}`;
}

/** `online: alice, bob and 2 more`: a big room's join reply lists only some of them. */
export function onlineText(joined: JoinResult): string {
  const unlisted = joined.onlineCount - joined.online.length;
  return `online: ${joined.online.join(', ')}${unlisted > 0 ? ` and ${unlisted} more` : ''}`;
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

/** `/rooms`: one line a room, columns aligned. */
export function roomLines(rooms: RoomSummary[]): string[] {
  if (rooms.length === 0) return ['* no rooms yet: /create ROOM or /dm USER'];
  const rows = rooms.map((room) => [
    ` ${room.roomId}`,
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
