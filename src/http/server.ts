// The HTTP server: POST <any path> is the acm-pca API (JSON 1.1 + SigV4); GET <folder>/<id>.crl serves the CRLs this
// server publishes; /ocsp (and OCSP requests sent to /) reach the OCSP responder; GET /healthz answers probes.
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from '../contract/errors.ts';
import { OPERATIONS, type OperationName } from '../contract/generated.ts';
import { decodeAndValidate } from '../contract/validate.ts';
import { HANDLERS } from '../operations/index.ts';
import type { RequestContext, Services } from '../operations/context.ts';
import { CONTENT_TYPE, errorReply, serialiseOutput } from '../protocol/json.ts';
import { verifySigV4, type Credential } from '../protocol/sigv4.ts';
import { SERVER_OPTIONS, answerClientError, closeAfter, drain, lingerOnClose, readBody, send } from './body.ts';
import { isOcsp, serveOcsp, type OcspEndpoint } from './ocsp.ts';

const TARGET_PREFIX = 'ACMPrivateCA.';

/** A CRL's URL path: any folder (crl, a CustomPath or none), then the CA or partition id and .crl. */
const CRL_PATH = /^\/(?:[^?#]*\/)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.crl$/;

export interface ApiServerOptions {
  svc: Services;
  lookupCredential: (accessKeyId: string) => Credential | undefined;
}

export function createApiServer(o: ApiServerOptions): Server {
  const { svc } = o;
  const ocspEndpoint: OcspEndpoint = { respond: (der) => svc.ocsp.respond(der), now: () => svc.now(), drainMax: svc.config.maxBodyBytes };
  const server = createServer(SERVER_OPTIONS, (req, res) => {
    void handle(req, res).catch((e: unknown) => {
      svc.log.error('unhandled error while answering', { error: e });
      if (!res.headersSent) { res.statusCode = 500; res.end(); } else res.destroy();
    });
  });
  server.on('clientError', answerClientError(svc.log));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    // OCSP first, and without the API's request id: a responder answers thousands of these a second.
    if (isOcsp(req, path)) {
      await serveOcsp(req, res, path, ocspEndpoint);
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
    const crl = await svc.crl.servedCrl(id);
    if (!crl) {
      send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `No CRL has been published for ${id} yet.\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/pkix-crl', 'Content-Length': String(crl.size), 'Last-Modified': crl.modified.toUTCString(), 'Cache-Control': 'no-cache' });
    if (req.method === 'HEAD') {
      await crl.file.close();
      res.end();
      return;
    }
    // Streamed from the open file: a CRL of a million entries (tens of MB) is never held whole per download.
    await pipeline(crl.file.createReadStream(), res).catch((e: unknown) => svc.log.debug('CRL download ended early', { id, error: e }));
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

function sendError(res: ServerResponse, e: ApiError): void {
  const r = errorReply(e);
  const close = closeAfter.has(e);
  if (close) lingerOnClose(res);
  send(res, r.status, { 'Content-Type': CONTENT_TYPE, ...r.headers, ...(close ? { Connection: 'close' } : {}) }, r.body);
}
