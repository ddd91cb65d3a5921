// The HTTP server: POST <any path> is the acm-pca API (JSON 1.1 + SigV4); GET <folder>/<id>.crl serves the CRLs this
// server publishes; /ocsp (and OCSP requests sent to /) reach the OCSP responder; GET /healthz answers probes.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../contract/errors.ts';
import { OPERATIONS, type OperationName } from '../contract/generated.ts';
import { decodeAndValidate } from '../contract/validate.ts';
import { HANDLERS } from '../operations/index.ts';
import type { RequestContext, Services } from '../operations/context.ts';
import { CONTENT_TYPE, errorReply, serialiseOutput } from '../protocol/json.ts';
import { verifySigV4, type Credential } from '../protocol/sigv4.ts';
import { decodeOcspGetPath } from '../x509/ocsp.ts';

const TARGET_PREFIX = 'ACMPrivateCA.';
const OCSP_MAX_BODY = 64 * 1024;

/**
 * Requests for the OCSP responder: anything under /ocsp; a POST of Content-Type application/ocsp-request to any
 * path; a GET whose path is a base64 OCSP request (an OcspCustomCname pointing at this server's root).
 */
function isOcsp(req: IncomingMessage, path: string): boolean {
  if (path === '/ocsp' || path.startsWith('/ocsp/')) return true;
  if (req.method === 'POST') return !req.headers['x-amz-target'] && (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/ocsp-request');
  return req.method === 'GET' && /^\/+M[A-Za-z0-9+/=%_-]{8,}$/.test(path);
}

/** A CRL's URL path: any folder (crl, a CustomPath or none), then the CA or partition id and .crl. */
const CRL_PATH = /^\/(?:[^?#]*\/)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.crl$/;

export interface ApiServerOptions {
  svc: Services;
  lookupCredential: (accessKeyId: string) => Credential | undefined;
}

export function createApiServer(o: ApiServerOptions): Server {
  const { svc } = o;
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 30_000, requestTimeout: 120_000 }, (req, res) => {
    void handle(req, res).catch((e: unknown) => {
      svc.log.error('unhandled error while answering', { error: e });
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    svc.log.debug('malformed HTTP from client', { error: err.message });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // OCSP first, and without the API's request id: a responder answers thousands of these a second.
    if (isOcsp(req, path)) {
      await serveOcsp(req, res, path);
      return;
    }
    const requestId = randomUUID();
    const started = performance.now();
    res.setHeader('x-amzn-RequestId', requestId);
    if (req.method === 'GET' && path === '/healthz') {
      send(res, 200, { 'Content-Type': 'application/json' }, '{"status":"ok"}');
      return;
    }
    const crlId = (req.method === 'GET' || req.method === 'HEAD') ? CRL_PATH.exec(path)?.[1] : undefined;
    if (crlId !== undefined) {
      await serveCrl(req, res, crlId.toLowerCase());
      return;
    }
    if (req.method !== 'POST') {
      await drain(req, svc.config.maxBodyBytes);
      res.setHeader('Allow', 'POST');
      sendError(res, new ApiError('UnknownOperationException', `${req.method} ${path} is not an API call: the acm-pca API takes POST requests with an X-Amz-Target header (and GET /healthz answers probes).`, 405));
      return;
    }
    let op: string | undefined;
    let accessKeyId: string | undefined;
    let status = 200;
    let code: string | undefined;
    try {
      const body = await readBody(req, svc.config.maxBodyBytes);
      const now = svc.now();
      const principal = verifySigV4(
        { method: 'POST', path, query: (req.url ?? '').split('?')[1], headers: req.headers, rawHeaders: req.rawHeaders, body },
        {
          now: new Date(now), lookup: o.lookupCredential,
          ...(svc.config.regions ? { isRegionAllowed: (r: string) => svc.config.regions!.includes(r) } : {}),
        },
      );
      accessKeyId = principal.accessKeyId;
      const target = header(req, 'x-amz-target');
      op = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
      if (!target || !op || !Object.hasOwn(OPERATIONS, op)) {
        throw new ApiError('UnknownOperationException', target
          ? `Unknown operation '${target}': X-Amz-Target must be ACMPrivateCA.<Operation> with one of the 23 acm-pca operations.`
          : 'Missing X-Amz-Target header: it names the operation, e.g. ACMPrivateCA.DescribeCertificateAuthority.');
      }
      const name = op as OperationName;
      const input = decodeAndValidate(name, body);
      const ctx: RequestContext = { accountId: principal.accountId, region: principal.region, accessKeyId, requestId, now, svc };
      const handler = HANDLERS[name] as (i: unknown, c: RequestContext) => Promise<unknown>;
      const output = await handler(input, ctx);
      send(res, 200, { 'Content-Type': CONTENT_TYPE }, serialiseOutput(output));
    } catch (e) {
      const err = e instanceof ApiError ? e : internal(e, requestId);
      if (e instanceof ApiError && e.status >= 500) svc.log.error('internal failure', { requestId, error: e });
      status = err.status;
      code = err.code;
      sendError(res, err);
    } finally {
      const fields = { requestId, operation: op, status, errorCode: code, accessKeyId, ms: Math.round((performance.now() - started) * 10) / 10 };
      if (status >= 500) svc.log.error('request', fields); else svc.log.info('request', fields);
    }
  }

  /** GET <any folder>/<CA or partition id>.crl: the CRL this server generated last (the URL it puts in CDPs). */
  async function serveCrl(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    await drain(req, svc.config.maxBodyBytes);
    const der = await svc.crl.servedCrl(id);
    if (!der) {
      send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `No CRL has been published for ${id} yet.\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': String(der.length), 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : der);
  }

  /** OCSP over HTTP (RFC 6960 A.1, RFC 5019 §5): POST with a DER body, or GET with the request base64 in the path. */
  async function serveOcsp(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
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
      await drain(req, svc.config.maxBodyBytes);
      const rest = path.startsWith('/ocsp') ? path.slice('/ocsp'.length) : path;
      try { der = decodeOcspGetPath(rest); } catch { der = new Uint8Array(0); } // answered as malformedRequest
    } else {
      await drain(req, svc.config.maxBodyBytes);
      res.setHeader('Allow', 'GET, POST');
      send(res, 405, { 'Content-Type': 'text/plain; charset=utf-8' }, 'The OCSP responder answers GET and POST (RFC 6960 appendix A).\n');
      return;
    }
    const a = await svc.ocsp.respond(der);
    const headers: Record<string, string> = { 'Content-Type': 'application/ocsp-response', 'Content-Length': String(a.body.length) };
    if (a.thisUpdate !== undefined && a.nextUpdate !== undefined) {
      // RFC 5019 §6.2 caching headers (computed once per response, which reused answers share)
      a.http ??= { lastModified: new Date(a.thisUpdate).toUTCString(), expires: new Date(a.nextUpdate).toUTCString(), etag: `"${createHash('sha1').update(a.body).digest('hex')}"` };
      headers['Last-Modified'] = a.http.lastModified;
      headers.Expires = a.http.expires;
      headers['Cache-Control'] = `max-age=${Math.max(0, Math.floor((a.nextUpdate - svc.now()) / 1000))}, public, no-transform, must-revalidate`;
      headers.ETag = a.http.etag;
    } else {
      headers['Cache-Control'] = 'no-cache';
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : a.body);
  }

  function internal(e: unknown, requestId: string): ApiError {
    svc.log.error('internal failure', { requestId, error: e });
    return new ApiError('InternalFailure', `The server encountered an internal error (request id ${requestId}); it has been logged.`);
  }

  return server;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The body goes out as a string: Node then sends head and body in one write instead of a two-buffer writev. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendError(res: ServerResponse, e: ApiError): void {
  const r = errorReply(e);
  const close = closeAfter.has(e);
  if (close) lingerOnClose(res);
  send(res, r.status, { 'Content-Type': CONTENT_TYPE, ...r.headers, ...(close ? { Connection: 'close' } : {}) }, r.body);
}

/**
 * Reads the body up to `max` bytes. A larger body is refused with 413: up to 4 × `max` it is drained so the
 * keep-alive connection stays usable; past that (or when Content-Length already says so) the answer carries
 * `Connection: close` and the rest is not read.
 */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
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
function lingerOnClose(res: ServerResponse): void {
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
const closeAfter = new WeakSet<ApiError>();

async function drain(req: IncomingMessage, max: number): Promise<void> {
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) { req.destroy(); return; }
  }
}
