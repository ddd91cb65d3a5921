// Opaque, tamper-evident NextToken values (protocol paging) bound to one operation, caller and listing scope.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fail } from '../contract/errors.ts';

export interface TokenScope { operation: string; account: string; region: string; scope: string }

/** Tokens live 24 hours; each page issues a fresh one, so clients never see the same token twice. */
const LIFETIME_MS = 24 * 3600 * 1000;

export class NextTokens {
  private readonly key: Buffer;
  constructor(key: Uint8Array) { this.key = Buffer.from(key); }

  issue(s: TokenScope, position: unknown, now: number): string {
    const body = Buffer.from(JSON.stringify({ p: position, t: now })).toString('base64url');
    return `${body}.${this.mac(s, body)}`;
  }

  /** Returns the position, or throws InvalidNextTokenException for a token this server did not issue for this scope. */
  open(s: TokenScope, token: string, now: number): unknown {
    const bad = () => fail('InvalidNextTokenException', `The NextToken is not valid for ${s.operation} with these parameters; start again without NextToken.`);
    const dot = token.indexOf('.');
    if (dot <= 0) throw bad();
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1));
    const want = Buffer.from(this.mac(s, body));
    if (mac.length !== want.length || !timingSafeEqual(mac, want)) throw bad();
    let parsed: { p?: unknown; t?: unknown };
    try { parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p?: unknown; t?: unknown }; } catch { throw bad(); }
    if (typeof parsed.t !== 'number' || now - parsed.t > LIFETIME_MS) {
      throw fail('InvalidNextTokenException', `The NextToken has expired; start ${s.operation} again without NextToken.`);
    }
    return parsed.p;
  }

  private mac(s: TokenScope, body: string): string {
    return createHmac('sha256', this.key).update(`${s.operation}\n${s.account}\n${s.region}\n${s.scope}\n${body}`).digest('base64url').slice(0, 32);
  }
}
