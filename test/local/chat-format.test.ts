/**
 * How the terminal chat shows issue 16's additions: unread counts, replies, reactions,
 * typing, status and presence. Pure functions, no process.
 */
import { describe, expect, it } from 'vitest';
import type { Message, RoomSummary } from '../../client/index.js';
import {
  attachmentText,
  messageLine,
  onlineText,
  presenceLine,
  promptText,
  reactionLine,
  reactionsText,
  roomLines,
  searchLine,
  typingText,
  unreadText,
  whoLines,
} from '../../local/chat-format.js';
import { contentTypeOf } from '../../local/content-types.js';

const at = '2026-01-01T12:00:01.000Z';
const message = (fields: Partial<Message> = {}): Message => ({
  id: 'm12',
  roomId: 'r',
  seq: 12,
  userId: 'ana',
  content: 'sure',
  createdAt: at,
  ...fields,
});
const summary = (roomId: string, fields: Partial<RoomSummary> = {}): RoomSummary => ({
  roomId,
  visibility: 'public',
  kind: 'room',
  encrypted: false,
  createdAt: at,
  lastSeq: 5,
  slowModeSec: 0,
  role: 'member',
  readSeq: 5,
  unread: 0,
  unreadMentions: 0,
  ...fields,
});

describe('messages', () => {
  it('a reply names what it answers; reactions follow the text', () => {
    expect(messageLine(message({ replyTo: 9 }), 'r')).toBe('[12:00:01] #12 ana ↪ #9: sure');
    const reacted = message({
      reactions: [
        { emoji: '👍', count: 2, me: true },
        { emoji: '❤', count: 1, me: false },
      ],
    });
    expect(messageLine(reacted, 'r')).toBe('[12:00:01] #12 ana: sure  👍 2 ❤ 1');
    expect(messageLine(message({ reactions: [] }), 'r')).toBe('[12:00:01] #12 ana: sure');
    expect(reactionsText([{ emoji: '👀', count: 0, me: false }])).toBe('');
  });

  it('a reaction event is one line, with the room when it is not the current one', () => {
    const event = { roomId: 'r', seq: 12, userId: 'bob', emoji: '👍', on: true };
    expect(reactionLine(event, 'r')).toBe('* bob reacted 👍 to #12');
    expect(reactionLine({ ...event, on: false }, 'team')).toBe('* bob took back 👍 on r#12');
  });
});

describe('unread', () => {
  it('shows compactly in /rooms after the id, and in the join line', () => {
    expect(unreadText(0, 0)).toBe('');
    expect(unreadText(3)).toBe('(3)');
    expect(unreadText(3, 1)).toBe('(3, 1 @)');
    const lines = roomLines([
      summary('general', { unread: 3, unreadMentions: 1 }),
      summary('quiet'),
    ]);
    expect(lines).toEqual([
      ' general (3, 1 @) - room member #5',
      ' quiet            - room member #5',
    ]);
    const joined = { roomId: 'r', messages: [], hasMore: false, online: ['ana'], onlineCount: 1 };
    expect(onlineText({ ...joined, lastSeq: 4, unread: 4 })).toBe('online: ana; 4 unread');
    expect(onlineText({ ...joined, lastSeq: 4, unread: 0 })).toBe('online: ana');
  });
});

describe('typing', () => {
  it('names up to two typists, then counts', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['ana'])).toBe('ana is typing…');
    expect(typingText(['ana', 'bob'])).toBe('ana and bob are typing…');
    expect(typingText(['ana', 'bob', 'cy', 'di'])).toBe('ana, bob and 2 more are typing…');
  });

  it('stands in the prompt', () => {
    expect(promptText([])).toBe('> ');
    expect(promptText(['ana'])).toBe('(ana is typing…) > ');
  });
});

describe('presence', () => {
  it('status, text and last seen', () => {
    expect(presenceLine({ roomId: 'r', userId: 'bob', status: 'online' })).toBe('* bob is online');
    expect(presenceLine({ roomId: 'r', userId: 'bob', status: 'away', text: 'lunch' })).toBe(
      '* bob is away: lunch',
    );
    expect(presenceLine({ roomId: 'r', userId: 'bob', status: 'offline', lastSeen: at })).toBe(
      '* bob is offline (last seen 2026-01-01 12:00:01)',
    );
  });

  it('/who: one line each', () => {
    expect(whoLines([])).toEqual(['* nobody is here']);
    expect(
      whoLines([
        { userId: 'ana', status: 'online' },
        { userId: 'bob', status: 'dnd', text: 'focus' },
      ]),
    ).toEqual(['  ana is online', '  bob is dnd: focus']);
  });
});

describe('files and search', () => {
  it('a message lists its attachments after it, one line each', () => {
    const line = messageLine(
      message({
        content: '',
        attachments: [
          {
            id: 'a',
            fileName: 'plan.pdf',
            contentType: 'application/pdf',
            size: 1_300_000,
            url: 'https://s/a',
          },
          { id: 'b', fileName: 'x.txt', contentType: 'text/plain', size: 12, url: 'https://s/b' },
        ],
      }),
      'r',
    );
    expect(line.split('\n')).toEqual([
      '[12:00:01] #12 ana: ',
      '  📎 plan.pdf (1.2 MB) https://s/a',
      '  📎 x.txt (12 B) https://s/b',
    ]);
    expect(
      attachmentText({ id: 'c', fileName: 'c', contentType: 'a/b', size: 2048, url: 'u' }),
    ).toBe('📎 c (2 KB) u');
  });

  it('a search hit marks its matches in brackets or bold, on one line', () => {
    const hit = { message: message({ roomId: 'team' }), highlight: 'the \uE000plan\uE001\nis <b>' };
    expect(searchLine(hit, 'brackets')).toBe('  team#12 ana [12:00:01]: the [plan] is <b>');
    expect(searchLine(hit, 'bold')).toBe(
      '  team#12 ana [12:00:01]: the \x1b[1mplan\x1b[22m is <b>',
    );
  });

  it('/upload types a file by its extension', () => {
    expect(contentTypeOf('a.JPG')).toBe('image/jpeg');
    expect(contentTypeOf('notes.md')).toBe('text/markdown');
    expect(contentTypeOf('Makefile')).toBe('application/octet-stream');
    expect(contentTypeOf('archive.tar.gz')).toBe('application/octet-stream');
  });
});
