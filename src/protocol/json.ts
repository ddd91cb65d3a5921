// AWS JSON 1.1 responses: output bodies (timestamps as epoch seconds, no nulls) and the error envelope.
import { ApiError } from '../contract/errors.ts';

export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function serialiseOutput(out: unknown): string {
  return JSON.stringify(out ?? {}, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return raw.getTime() / 1000;
    if (value === null) return undefined;
    if (raw instanceof Uint8Array) return Buffer.from(raw).toString('base64');
    return value;
  });
}

export interface ErrorReply { status: number; headers: Record<string, string>; body: string }

export function errorReply(e: ApiError): ErrorReply {
  return {
    status: e.status,
    headers: { 'x-amzn-ErrorType': e.code },
    body: JSON.stringify({ __type: e.code, message: e.message }),
  };
}
