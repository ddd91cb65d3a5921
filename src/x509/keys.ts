// Byte-level helpers: SPKI export and PEM armour (DER assembly lives in der.ts).
import type { KeyObject } from 'node:crypto';

/** DER SubjectPublicKeyInfo of a public (or private: its public half) KeyObject. */
export function spkiFromPublicKey(k: KeyObject): Uint8Array {
  return new Uint8Array(k.export({ type: 'spki', format: 'der' }));
}

/** PEM armour: `-----BEGIN label-----`, base64 in 64-column lines, END line, trailing newline. */
export function pemEncode(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
