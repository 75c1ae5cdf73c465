/**
 * The fake server's answers to protocol v2's search and files (/work/shared/protocol-v2.md,
 * "Search, files, encryption"): `search_messages` over the rooms the caller may read (never
 * encrypted rooms, never deleted messages) with U+E000/U+E001 around each match and an
 * offset cursor; `request_upload` signing a PUT to fake storage, whose `fetch` stub checks
 * the method and exactly the signed headers as S3 does; and the attachments a
 * `send_message` names, checked as the real server checks them (uploaded, same room, same
 * uploader, the signed size).
 */
import type { Attachment, Message } from '../../client/types.js';
import type { FakeParley, FakeSocket } from './fake-parley.js';

type Frame = Record<string, unknown>;
type Reply = (body: Record<string, unknown>) => void;

interface FakeUpload {
  roomId: string;
  userId: string;
  fileName: string;
  contentType: string;
  size: number;
  /** What storage holds once the PUT went through. */
  body?: Uint8Array;
}

const STORAGE = 'https://storage.test';

export class FakeFiles {
  /** Largest file `request_upload` signs (bytes). */
  maxSize = 1024 * 1024;
  /** The next PUT to storage answers this status and S3 error body instead of storing. */
  failNextPut: { status: number; code: string; message: string } | undefined;
  readonly uploads = new Map<string, FakeUpload>();
  /** Every PUT that reached storage. */
  readonly puts: { url: string; method: string; headers: Record<string, string> }[] = [];
  private ids = 0;

  constructor(private readonly server: FakeParley) {}

  handle(socket: FakeSocket, frame: Frame, reply: Reply): boolean {
    if (frame.action === 'search_messages') this.search(socket, frame, reply);
    else if (frame.action === 'request_upload') this.sign(socket, frame, reply);
    else return false;
    return true;
  }

  /**
   * The attachments of a send, as the message will carry them; a string when the server
   * would refuse the send (`bad_request`).
   */
  attach(roomId: string, userId: string, ids: unknown): Attachment[] | string | undefined {
    if (ids === undefined) return undefined;
    if (!Array.isArray(ids) || ids.length === 0) return 'attachments must be upload ids';
    const attachments: Attachment[] = [];
    for (const id of ids) {
      const upload = this.uploads.get(String(id));
      if (!upload || upload.roomId !== roomId || upload.userId !== userId) {
        return `no upload ${String(id)} of yours in ${roomId}`;
      }
      if (upload.body?.byteLength !== upload.size) return `${upload.fileName} was not uploaded`;
      attachments.push({
        id: String(id),
        fileName: upload.fileName,
        contentType: upload.contentType,
        size: upload.size,
        url: `${STORAGE}/rooms/${roomId}/${String(id)}?get`,
      });
    }
    return attachments;
  }

  /** Storage's side of the signed PUT: pass as the client's `fetch`. */
  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    this.puts.push({ url, method, headers });
    const failure = this.failNextPut;
    if (failure) {
      this.failNextPut = undefined;
      return s3Error(failure.status, failure.code, failure.message);
    }
    const got = /^https:\/\/storage\.test\/rooms\/[^/]+\/([^?]+)\?get$/.exec(url)?.[1];
    if (got !== undefined && method === 'GET') {
      const stored = this.uploads.get(got)?.body;
      if (!stored) return s3Error(403, 'AccessDenied', 'Request has expired');
      return new Response(stored as Uint8Array<ArrayBuffer>, { status: 200 });
    }
    const id = /^https:\/\/storage\.test\/rooms\/[^/]+\/([^?]+)\?sig$/.exec(url)?.[1];
    const upload = id === undefined ? undefined : this.uploads.get(id);
    if (!upload || method !== 'PUT') return s3Error(403, 'AccessDenied', 'Bad signature');
    const signed = signedHeaders(upload);
    if (JSON.stringify(headers) !== JSON.stringify(signed)) {
      return s3Error(403, 'SignatureDoesNotMatch', 'Headers differ from the signed ones');
    }
    const body = init?.body;
    if (!(body instanceof Uint8Array)) return s3Error(400, 'InvalidRequest', 'No body');
    if (body.byteLength > upload.size) return s3Error(400, 'EntityTooLarge', 'Too large');
    upload.body = body;
    return new Response(null, { status: 200 });
  };

  private sign(socket: FakeSocket, frame: Frame, reply: Reply): void {
    const roomId = String(frame.roomId);
    const size = Number(frame.size);
    const contentType = String(frame.contentType);
    const refusal = !socket.joined.has(roomId)
      ? { code: 'forbidden', message: 'join first' }
      : size > this.maxSize
        ? { code: 'payload_too_large', message: `size: files may be at most ${this.maxSize} bytes` }
        : contentType.includes('x-msdownload')
          ? { code: 'bad_request', message: 'contentType: not allowed' }
          : undefined;
    if (refusal) {
      reply({ type: 'error', ...refusal });
      return;
    }
    this.ids += 1;
    const uploadId = `00000000-0000-4000-8000-${String(this.ids).padStart(12, '0')}`;
    const upload: FakeUpload = {
      roomId,
      userId: socket.token,
      fileName: String(frame.fileName),
      contentType,
      size,
    };
    this.uploads.set(uploadId, upload);
    reply({
      type: 'upload',
      uploadId,
      url: `${STORAGE}/rooms/${roomId}/${uploadId}?sig`,
      method: 'PUT',
      headers: signedHeaders(upload),
      expiresAt: new Date(900_000).toISOString(),
    });
  }

  private search(socket: FakeSocket, frame: Frame, reply: Reply): void {
    const query = String(frame.query).toLowerCase();
    const limit = typeof frame.limit === 'number' ? frame.limit : 20;
    const offset = frame.cursor === undefined ? 0 : Number(frame.cursor);
    const only = frame.roomId === undefined ? undefined : String(frame.roomId);
    const hits: Message[] = [];
    for (const [roomId, messages] of this.server.rooms) {
      if (only !== undefined && roomId !== only) continue;
      if (this.server.v2.rooms.get(roomId)?.room.encrypted) continue;
      if (this.server.v2.joinRefusal(roomId, socket.token)) continue;
      for (const m of messages) {
        if (!m.deleted && m.content.toLowerCase().includes(query)) hits.push(m);
      }
    }
    const page = hits.slice(offset, offset + limit);
    reply({
      type: 'search_results',
      results: page.map((message) => ({ message, highlight: highlight(message.content, query) })),
      ...(offset + limit < hits.length ? { cursor: String(offset + limit) } : {}),
    });
  }
}

/** The content with each (case-insensitive) occurrence of `query` marked. */
function highlight(content: string, query: string): string {
  let out = '';
  let from = 0;
  const lower = content.toLowerCase();
  for (let at = lower.indexOf(query); at >= 0; at = lower.indexOf(query, from)) {
    out += `${content.slice(from, at)}\uE000${content.slice(at, at + query.length)}\uE001`;
    from = at + query.length;
  }
  return out + content.slice(from);
}

function signedHeaders(upload: FakeUpload): Record<string, string> {
  return { 'content-type': upload.contentType, 'content-length': String(upload.size) };
}

function s3Error(status: number, code: string, message: string): Response {
  const body = `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return new Response(body, { status, headers: { 'content-type': 'application/xml' } });
}
