/**
 * Serialising server frames in each recipient's format (docs/protocol.md, "Compact frames
 * (v2)"): a frame is written once per format its audience uses, never once per connection.
 * Budgets (the 128 KB reply limit) are computed on the long form, which compact never
 * exceeds: it only shortens keys and the `type` value.
 */
import { encodeCompact, type FrameFormat } from '../../protocol/compact-codec.js';
import type { RoomConnection } from './message.js';
import type { ServerFrame } from './server-frames.js';

export type { FrameFormat };

/** The format a connection (or caller) reads. */
export function formatOf(connection: { format?: 'compact' | undefined }): FrameFormat {
  return connection.format === 'compact' ? 'compact' : 'long';
}

/** The frame as the wire carries it in `format`. */
export function serializeFrame(frame: ServerFrame, format: FrameFormat): string {
  return JSON.stringify(format === 'compact' ? encodeCompact(frame) : frame);
}

/** The connections grouped by format, long first, each group in the order given. */
export function byFormat<C extends RoomConnection>(
  connections: readonly C[],
): [FrameFormat, C[]][] {
  const long: C[] = [];
  const compact: C[] = [];
  for (const c of connections) (c.format === 'compact' ? compact : long).push(c);
  const groups: [FrameFormat, C[]][] = [];
  if (long.length > 0) groups.push(['long', long]);
  if (compact.length > 0) groups.push(['compact', compact]);
  return groups;
}

/** The connection's own format as a `RoomConnection` field: absent for the long form. */
export function formatField(format: FrameFormat): { format?: 'compact' } {
  return format === 'compact' ? { format: 'compact' } : {};
}
