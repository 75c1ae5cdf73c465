/**
 * Compact frames in the SDK (docs/protocol.md, "Compact frames (v2)"): the handshake asks
 * for them with `?format=compact`, and frames are decoded with the same published table
 * the server encodes with (protocol/compact-keys.ts). A frame that has a `type` key is
 * already long (the server's wire default, and what a server without compact frames
 * sends): it is read as it is, so a compact client still works against such a server.
 */
import { decodeCompact } from '../protocol/compact-codec.js';
import { COMPACT_KEYS } from '../protocol/compact-keys.js';

export type FrameFormat = 'long' | 'compact';

/**
 * The SDK's default: compact. The SDK is the only decoder a client needs, so its users get
 * the smaller frames without asking; the wire protocol's default stays long.
 */
export const DEFAULT_FRAME_FORMAT: FrameFormat = 'compact';

/** The WebSocket URL of a handshake: `url` with the token and, if compact, the format. */
export function handshakeUrl(url: string, token: string, format: FrameFormat): string {
  const target = new URL(url);
  target.searchParams.set('token', token);
  if (format === 'compact') target.searchParams.set('format', 'compact');
  else target.searchParams.delete('format');
  return target.toString();
}

/** A server frame's text as its long form; throws on text that is not JSON. */
export function parseServerFrame(text: string): unknown {
  const frame: unknown = JSON.parse(text);
  if (
    typeof frame !== 'object' ||
    frame === null ||
    Array.isArray(frame) ||
    'type' in frame ||
    !(COMPACT_KEYS.type in frame)
  ) {
    return frame;
  }
  return decodeCompact(frame as Record<string, unknown>);
}
