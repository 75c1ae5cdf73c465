/**
 * Reading request bodies and writing JSON answers, for the gateway's HTTP APIs (the
 * management API, the virtual connections, the emulated SQS queue).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  contentType = 'application/json',
): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, {
      'Content-Type': contentType,
      'Content-Length': String(Buffer.byteLength(body)),
    })
    .end(body);
}

/**
 * Reads the request body, or reports it as too large past `limit` bytes. The rest of an
 * oversized body is drained rather than buffered, so the client still gets its answer.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
