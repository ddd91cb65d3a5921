// OCSP over HTTP (RFC 6960 appendix A, RFC 5019 §5): POST with a DER body, or GET with the request base64 in the
// path. Shared by the API server (OCSP on the API port, answered on the event loop) and the OCSP listener threads
// on a dedicated port.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from '../contract/errors.ts';
import type { Logger } from '../protocol/log.ts';
import type { OcspAnswer } from '../revocation/ocsp-responder.ts';
import { decodeOcspGetPath } from '../x509/ocsp.ts';
import { SERVER_OPTIONS, answerClientError, closeAfter, drain, lingerOnClose, readBody, send } from './body.ts';

export const OCSP_MAX_BODY = 64 * 1024;

export interface OcspEndpoint {
  respond(request: Uint8Array): Promise<OcspAnswer>;
  now(): number;
  /** Bodies of GETs and of refused methods are read and discarded up to this size. */
  drainMax: number;
}

/**
 * Requests for the OCSP responder: anything under /ocsp; a POST of Content-Type application/ocsp-request to any
 * path; a GET whose path is a base64 OCSP request (an OcspCustomCname pointing at this server's root).
 */
export function isOcsp(req: IncomingMessage, path: string): boolean {
  if (path === '/ocsp' || path.startsWith('/ocsp/')) return true;
  if (req.method === 'POST') return !req.headers['x-amz-target'] && (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/ocsp-request');
  return req.method === 'GET' && /^\/+M[A-Za-z0-9+/=%_-]{8,}$/.test(path);
}

/** Answers one OCSP request over HTTP. */
export async function serveOcsp(req: IncomingMessage, res: ServerResponse, path: string, o: OcspEndpoint): Promise<void> {
  let der: Uint8Array;
  if (req.method === 'POST') {
    let body: Buffer;
    try { body = await readBody(req, OCSP_MAX_BODY); } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      // The same rule as for API calls: a drained body keeps the connection, a huge one closes it.
      const close = closeAfter.has(e);
      if (close) lingerOnClose(res);
      send(res, 413, { 'Content-Type': 'text/plain; charset=utf-8', ...(close ? { Connection: 'close' } : {}) }, `OCSP requests are limited to ${OCSP_MAX_BODY} bytes.\n`);
      return;
    }
    der = body;
  } else if (req.method === 'GET' || req.method === 'HEAD') {
    await drain(req, o.drainMax);
    const rest = path.startsWith('/ocsp') ? path.slice('/ocsp'.length) : path;
    try { der = decodeOcspGetPath(rest); } catch { der = new Uint8Array(0); } // answered as malformedRequest
  } else {
    await drain(req, o.drainMax);
    res.setHeader('Allow', 'GET, POST');
    send(res, 405, { 'Content-Type': 'text/plain; charset=utf-8' }, 'The OCSP responder answers GET and POST (RFC 6960 appendix A).\n');
    return;
  }
  const a = await o.respond(der);
  const headers: Record<string, string> = { 'Content-Type': 'application/ocsp-response', 'Content-Length': String(a.body.length) };
  if (a.thisUpdate !== undefined && a.nextUpdate !== undefined) {
    // RFC 5019 §6.2 caching headers (computed once per response, which reused answers share)
    a.http ??= { lastModified: new Date(a.thisUpdate).toUTCString(), expires: new Date(a.nextUpdate).toUTCString(), etag: `"${createHash('sha1').update(a.body).digest('hex')}"` };
    headers['Last-Modified'] = a.http.lastModified;
    headers.Expires = a.http.expires;
    headers['Cache-Control'] = `max-age=${Math.max(0, Math.floor((a.nextUpdate - o.now()) / 1000))}, public, no-transform, must-revalidate`;
    headers.ETag = a.http.etag;
  } else {
    headers['Cache-Control'] = 'no-cache';
  }
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

/**
 * An HTTP server that answers OCSP only (the dedicated OCSP port): every POST is an OCSP request whatever its path
 * and content type, a GET is one when its path holds a base64 request; GET /healthz answers probes; anything else 404.
 */
export function createOcspServer(o: OcspEndpoint, log: Logger): Server {
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const answer = async () => {
      if (req.method === 'GET' && path === '/healthz') {
        send(res, 200, { 'Content-Type': 'application/json' }, '{"status":"ok"}');
      } else if (req.method === 'POST' || isOcsp(req, path)) {
        await serveOcsp(req, res, path, o);
      } else {
        await drain(req, o.drainMax);
        send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'This port answers OCSP requests only (POST, or GET /ocsp/<base64 request>).\n');
      }
    };
    answer().catch((e: unknown) => {
      log.error('ocsp: unhandled error while answering', { error: e });
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else res.destroy();
    });
  });
  server.on('clientError', answerClientError(log));
  return server;
}
