// Worker-thread entry: runs certificate preparation jobs posted by PrepPool and answers with the TBS or the API error.
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../contract/errors.ts';
import { prepareCertificate, type PrepJob } from '../domain/certificate-prep.ts';

parentPort!.on('message', (m: { id: number; job: PrepJob }) => {
  prepareCertificate(m.job).then(
    (tbs) => parentPort!.postMessage({ id: m.id, tbs }, [tbs.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({
      id: m.id,
      error: e instanceof ApiError ? { code: e.code, message: e.message } : { code: 'InternalFailure', message: e instanceof Error ? e.message : String(e) },
    }),
  );
});
