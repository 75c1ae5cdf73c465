/** A stored chat message, as it travels on the wire (`protocol.md`). */
export interface Message {
  /** UUID assigned by PostgreSQL. */
  id: string;
  roomId: string;
  /** The room's sequence number: starts at 1, grows by exactly 1, no gaps. */
  seq: number;
  userId: string;
  content: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  clientMsgId?: string;
  /** ISO 8601 UTC: the content was edited then (the latest edit). */
  editedAt?: string;
  /** A tombstone: the message was deleted, `content` is empty, the seq stays. */
  deleted?: true;
  /** The seq of the message this one replies to, in the same room (protocol v2). */
  replyTo?: number;
  /** User ids named as `@userId` in the content, as the server parsed them on send. */
  mentions?: string[];
  /** The current reaction counts, one entry per emoji with at least one reaction. */
  reactions?: Reaction[];
  /**
   * How many times the message changed after its send (edits, the delete, reactions):
   * of two states of one message the higher `rev` is the newer. Absent while 0.
   */
  rev?: number;
  /** Files the message carries, in the order sent (protocol v2, "Files"). */
  attachments?: Attachment[];
}

/**
 * A file a message carries. The record keeps all but the links; `url` (and `thumbnailUrl`)
 * are short-lived signed GETs made when a message is served.
 */
export interface Attachment {
  /** The upload id `request_upload` gave. */
  id: string;
  fileName: string;
  contentType: string;
  /** Bytes. */
  size: number;
  url: string;
  /** Images only, once the thumbnail worker has made one. */
  thumbnailUrl?: string;
}

/** An attachment as the record and the cached window keep it: everything but the links. */
export type StoredAttachment = Omit<Attachment, 'url' | 'thumbnailUrl'>;

/** One emoji's reactions on a message; `me`: the reader is one of them. */
export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

/**
 * One connection that has joined a room, whose it is, and how it reads frames: `compact`
 * when it asked for compact frames at its handshake, absent for the long form.
 */
export interface RoomConnection {
  connectionId: string;
  userId: string;
  format?: 'compact';
}

/** Who is calling: bound at $connect, never read from a frame. */
export interface Caller {
  connectionId: string;
  userId: string;
  /** As the handshake asked (`?format=compact`); absent for the long form. */
  format?: 'compact';
}

/** Unique user ids among a room's connections, in first-seen order. */
export function onlineUsers(connections: readonly RoomConnection[]): string[] {
  return [...new Set(connections.map((c) => c.userId))];
}
