/**
 * API Gateway WebSocket limits, and a passive meter that enforces the per-frame one.
 *
 * `ws` only knows a per-message cap (`maxPayload`, checked against the running total of a
 * fragmented message). API Gateway also caps each frame at 32 KB, which `ws` cannot see, so
 * `FrameMeter` reads the client's raw bytes (it is attached to the socket ahead of `ws`'s own
 * reader) and only parses frame headers: it never copies or unmasks payloads, it counts them.
 * It also reports binary frames before `ws` has buffered them.
 */

import { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from '../../protocol/frame-limits.js';

/** One frame from a client: 32 KB; one message (all its frames), one PostToConnection: 128 KB. */
export { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES };
/** AWS closes a connection after 10 minutes without client frames. */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
/** AWS closes every connection after 2 hours. */
export const DEFAULT_MAX_CONNECTION_MS = 2 * 3_600_000;
/** How long a server-initiated close waits for the client's close frame before dropping the socket. */
export const CLOSE_HANDSHAKE_TIMEOUT_MS = 2_000;

/** Close codes and reasons the gateway uses. AWS's own reasons, where known, are kept verbatim. */
export const CLOSE = {
  /** After DeleteConnection, AWS reports `disconnectStatusCode` 1000 with this reason. */
  deleted: { code: 1000, reason: 'Connection Closed Normally' },
  /** Idle timeout, maximum duration and gateway shutdown: AWS reports 1001 'Going away'. */
  goingAway: { code: 1001, reason: 'Going away' },
  frameTooBig: { code: 1009, reason: 'Frame too big' },
  messageTooBig: { code: 1009, reason: 'Message too big' },
  binary: { code: 1003, reason: 'Binary frames are not supported' },
} as const satisfies Record<string, { code: number; reason: string }>;

export type FrameViolation = 'frame-too-big' | 'message-too-big' | 'binary';

const OPCODE_CONTINUATION = 0x0;
const OPCODE_BINARY = 0x2;
const FIRST_CONTROL_OPCODE = 0x8;

/**
 * Tracks frame boundaries in a client-to-server byte stream (RFC 6455 section 5.2) and reports
 * the first limit a frame breaks. Per-message-deflate is never negotiated by the gateway (AWS
 * does not support it), so the payload length in each header is the real frame size.
 */
export class FrameMeter {
  private readonly header = Buffer.alloc(14);
  private headerBytes = 0;
  /** Payload bytes of the current frame not yet seen. */
  private payloadLeft = 0;
  /** Payload bytes of the current (possibly fragmented) data message so far. */
  private messageBytes = 0;
  private violation: FrameViolation | undefined;

  constructor(
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
    private readonly maxMessageBytes = MAX_MESSAGE_BYTES,
  ) {}

  /** Feeds the next chunk of raw bytes; returns the first violation found, once. */
  push(chunk: Buffer): FrameViolation | undefined {
    if (this.violation) return undefined;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const skip = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= skip;
        offset += skip;
        continue;
      }
      const need = this.headerLength();
      const take = Math.min(need - this.headerBytes, chunk.length - offset);
      chunk.copy(this.header, this.headerBytes, offset, offset + take);
      this.headerBytes += take;
      offset += take;
      // The first two bytes decide how long the header is, so re-check once they are in.
      if (this.headerBytes < this.headerLength()) continue;
      this.violation = this.endOfHeader();
      if (this.violation) return this.violation;
    }
    return undefined;
  }

  /** Header length as far as it is known: 2 until the first two bytes have arrived. */
  private headerLength(): number {
    if (this.headerBytes < 2) return 2;
    const second = this.header[1] ?? 0;
    const len7 = second & 0x7f;
    const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const mask = second & 0x80 ? 4 : 0;
    return 2 + extended + mask;
  }

  private endOfHeader(): FrameViolation | undefined {
    const first = this.header[0] ?? 0;
    const second = this.header[1] ?? 0;
    const fin = (first & 0x80) !== 0;
    const opcode = first & 0x0f;
    const len7 = second & 0x7f;
    let length = len7;
    if (len7 === 126) length = this.header.readUInt16BE(2);
    // A 64-bit length above 2^53 is far past any limit; Number() keeps the comparison valid.
    if (len7 === 127) length = Number(this.header.readBigUInt64BE(2));
    this.headerBytes = 0;
    this.payloadLeft = length;
    if (opcode >= FIRST_CONTROL_OPCODE) return undefined; // ping/pong/close: ws validates them
    if (opcode === OPCODE_BINARY) return 'binary';
    if (opcode !== OPCODE_CONTINUATION) this.messageBytes = 0;
    this.messageBytes += length;
    if (length > this.maxFrameBytes) return 'frame-too-big';
    if (this.messageBytes > this.maxMessageBytes) return 'message-too-big';
    if (fin) this.messageBytes = 0;
    return undefined;
  }
}
