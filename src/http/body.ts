// HTTP plumbing shared by the API server and the OCSP listeners: timeouts, malformed HTTP, bounded body reads that keep keep-alive
// connections usable, lingering close, and one-write responses.
import type { IncomingMessage, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { ApiError } from '../contract/errors.ts';
import type { Logger } from '../protocol/log.ts';

/** Timeouts of every listener: keep-alive longer than common client pools, bounded header and request times. */
export const SERVER_OPTIONS: ServerOptions = { keepAliveTimeout: 65_000, headersTimeout: 30_000, requestTimeout: 120_000 };

/** A 'clientError' handler: malformed HTTP gets a 400 and the connection closes. */
export function answerClientError(log: Logger): (err: Error, socket: Duplex) => void {
  return (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    log.debug('malformed HTTP from client', { error: err.message });
  };
}

/** The body goes out as a string: Node then sends head and body in one write instead of a two-buffer writev. */
export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}


/**
 * Reads the body up to `max` bytes. A larger body is refused with 413: up to 4 × `max` it is drained so the
 * keep-alive connection stays usable; past that (or when Content-Length already says so) the answer carries
 * `Connection: close` and the rest is not read.
 */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const tooLarge = (n: number, close: boolean) => {
    const e = new ApiError('SerializationException', `The request body (${n} bytes${close && !Number.isFinite(declared) ? ' or more' : ''}) exceeds the ${max}-byte limit of this server.`, 413);
    if (close) closeAfter.add(e);
    return e;
  };
  if (Number.isFinite(declared) && declared > max * 4) throw tooLarge(declared, true);
  // Plain 'data'/'end' listeners: an async iterator per request costs measurably more on the hot path.
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else if (size > max * 4) { cleanup(); reject(tooLarge(size, true)); }
    };
    const onEnd = () => {
      cleanup();
      if (size > max) reject(tooLarge(size, false));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (e: Error) => { cleanup(); reject(e); };
    const cleanup = () => { req.off('data', onData); req.off('end', onEnd); req.off('error', onError); };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Lingering close: after answering a request whose body was not read, send FIN but keep reading (and
 * discarding) for up to 2 s before destroying the socket. An immediate destroy with unread data makes the
 * kernel send RST, and an RST can reach the client before it has read our 413.
 */
export function lingerOnClose(res: ServerResponse): void {
  const socket = res.socket as (Socket & { destroySoon?: () => void }) | null;
  if (!socket) return;
  socket.destroySoon = function (this: Socket) {
    this.end();
    const timer = setTimeout(() => this.destroy(), 2000);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    this.on('data', () => undefined);
    this.resume();
  };
}

/** Errors after which the connection must close (the rest of the body was not read). */
export const closeAfter = new WeakSet<ApiError>();

export async function drain(req: IncomingMessage, max: number): Promise<void> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) { req.destroy(); return; }
  }
}
