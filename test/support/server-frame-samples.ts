/**
 * One frame of every server frame type, with every optional field set (the type below
 * makes a missing frame type a compile error): what the compact-frame tests walk.
 */
import type { Attachment, Message } from '../../functions/core/message.js';
import type { Member, Room, RoomSummary } from '../../functions/core/room.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';

export const attachment: Attachment = {
  id: '7d3c1c2e-2b1f-4e55-9b8e-0c2f6f1d9a10',
  fileName: 'plan.png',
  contentType: 'image/png',
  size: 48_213,
  url: 'https://files.example/rooms/r1/7d3c?sig=abc',
  thumbnailUrl: 'https://files.example/rooms/r1/7d3c-thumb?sig=def',
};

export const message: Message = {
  id: '5b0f7a3e-7f4c-4a7e-9d0e-2a8f7c1d3b21',
  roomId: 'general',
  seq: 42,
  userId: 'alice',
  content: 'hello @bob, see the plan',
  createdAt: '2026-12-06T23:00:00.000Z',
  clientMsgId: 'c-1',
  editedAt: '2026-12-06T23:01:00.000Z',
  deleted: true,
  replyTo: 41,
  mentions: ['bob'],
  reactions: [{ emoji: '👍', count: 2, me: true }],
  rev: 3,
  attachments: [attachment],
};

export const room: Room = {
  roomId: 'general',
  name: 'General',
  visibility: 'public',
  kind: 'room',
  encrypted: false,
  createdBy: 'alice',
  createdAt: '2026-12-01T10:00:00.000Z',
  lastSeq: 42,
  slowModeSec: 5,
  retentionDays: 30,
};

export const member: Member = {
  roomId: 'general',
  userId: 'bob',
  role: 'member',
  joinedAt: '2026-12-02T10:00:00.000Z',
  banned: true,
  bannedUntil: '2026-12-09T10:00:00.000Z',
  banReason: 'spam',
  muted: true,
  mutedUntil: '2026-12-07T10:00:00.000Z',
  removed: true,
  readSeq: 40,
};

export const summary: RoomSummary = {
  ...room,
  role: 'owner',
  readSeq: 40,
  unread: 2,
  unreadMentions: 1,
  lastMessage: message,
};

export const SAMPLES: { [T in ServerFrame['type']]: Extract<ServerFrame, { type: T }> } = {
  room_history: {
    type: 'room_history',
    roomId: 'general',
    messages: [message],
    hasMore: true,
    firstSeq: 3,
    online: ['alice', 'bob'],
    onlineCount: 2,
    lastSeq: 42,
    readSeq: 40,
    unread: 2,
    requestId: 'q1',
  },
  left: { type: 'left', roomId: 'general', requestId: 'q2' },
  ack: { type: 'ack', message, requestId: 'q3' },
  new_message: { type: 'new_message', message },
  presence: {
    type: 'presence',
    roomId: 'general',
    userId: 'bob',
    status: 'offline',
    text: 'lunch',
    lastSeen: '2026-12-06T22:00:00.000Z',
  },
  presence_list: {
    type: 'presence_list',
    roomId: 'general',
    users: [{ userId: 'bob', status: 'away', text: 'lunch', lastSeen: '2026-12-06T22:00:00.000Z' }],
    requestId: 'q4',
  },
  status: { type: 'status', status: 'dnd', text: 'focus', requestId: 'q5' },
  pong: { type: 'pong', requestId: 'q6' },
  typing: { type: 'typing', roomId: 'general', userId: 'bob', state: 'start' },
  read_state: { type: 'read_state', roomId: 'general', readSeq: 42, unread: 0, requestId: 'q7' },
  read: { type: 'read', roomId: 'general', userId: 'bob', seq: 42 },
  reaction: { type: 'reaction', roomId: 'general', seq: 42, userId: 'bob', emoji: '🎉', on: true },
  presence_count: { type: 'presence_count', roomId: 'general', online: 1200 },
  error: {
    type: 'error',
    code: 'rate_limited',
    message: 'Too many messages',
    retryAfterMs: 900,
    requestId: 'q8',
  },
  room: {
    type: 'room',
    room,
    role: 'owner',
    members: [member],
    membersCursor: 'm-cursor',
    requestId: 'q9',
  },
  rooms: { type: 'rooms', rooms: [summary], cursor: 'r-cursor', requestId: 'q10' },
  member: { type: 'member', member, requestId: 'q11' },
  member_update: {
    type: 'member_update',
    roomId: 'general',
    userId: 'bob',
    role: 'admin',
    change: 'role',
  },
  removed: { type: 'removed', roomId: 'general', reason: 'banned' },
  message_updated: { type: 'message_updated', message },
  message_deleted: { type: 'message_deleted', roomId: 'general', seq: 42 },
  search_results: {
    type: 'search_results',
    results: [{ message, highlight: 'see the \uE000plan\uE001' }],
    cursor: 's-cursor',
    requestId: 'q12',
  },
  upload: {
    type: 'upload',
    uploadId: '7d3c1c2e-2b1f-4e55-9b8e-0c2f6f1d9a10',
    url: 'https://files.example/rooms/general/7d3c?X-Amz-Signature=abc',
    method: 'PUT',
    // Header names are data: some on purpose equal long or short keys of the table.
    headers: {
      'content-type': 'image/png',
      content: 'x',
      type: 'y',
      t: 'z',
      'x-amz-acl': 'private',
    },
    expiresAt: '2026-12-06T23:15:00.000Z',
    requestId: 'q13',
  },
};
