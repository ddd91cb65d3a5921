// RFC 2253 strings of X.501 Names as Java's X500Principal.getName("RFC2253") writes them (the subject column of
// AWS audit reports, REVOCATION.md §6.4), and the subject Name of a certificate.
import { DerError, children, decodeOid, expectTlv, oidContents, readTlv, tlvValue, type Tlv } from './der.ts';

const DC_OID = oidContents('0.9.2342.19200300.100.1.25');

/**
 * The keyword Java's RFC 2253 writer uses for the OBJECT IDENTIFIER contents at der[start, end):
 * only CN C L ST O OU STREET (2.5.4.x), DC and UID; undefined for every other type. Compares the
 * encoded bytes, so the common case never builds a dotted string.
 */
function keywordOf(der: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n === 3 && der[start] === 0x55 && der[start + 1] === 0x04) {
    switch (der[start + 2]) {
      case 3: return 'CN';
      case 6: return 'C';
      case 7: return 'L';
      case 8: return 'ST';
      case 9: return 'STREET';
      case 10: return 'O';
      case 11: return 'OU';
      default: return undefined;
    }
  }
  if (n === DC_OID.length) {
    for (let i = 0; i < n - 1; i++) if (der[start + i] !== DC_OID[i]) return undefined;
    const last = der[end - 1];
    return last === 0x19 ? 'DC' : last === 0x01 ? 'UID' : undefined; // …100.1.25 / …100.1.1
  }
  return undefined;
}

// ignoreBOM: a leading U+FEFF is part of the value, as with Java's decoders.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: true });

/**
 * Java's decoding of a directory string by universal tag (sun.security.x509.AVA in current JDKs):
 * UTF8String as UTF-8, BMPString as UTF-16BE, Printable/Teletex/IA5/GeneralString as ISO-8859-1
 * (Buffer 'latin1' is ISO-8859-1; TextDecoder('latin1') would be windows-1252). Any other tag —
 * UniversalString and VisibleString included — is not a string to Java's RFC 2253 writer: null,
 * and the value is printed in `#hex` form.
 */
function decodeDirectoryString(buf: Buffer, tag: number, start: number, end: number): string | null {
  switch (tag) {
    case 0x0c: {
      for (let i = start; i < end; i++) {
        if ((buf[i] as number) >= 0x80) return utf8.decode(buf.subarray(start, end));
      }
      return buf.toString('latin1', start, end); // ASCII: same result, much cheaper for short values
    }
    case 0x1e: return utf16be.decode(buf.subarray(start, end));
    case 0x13: case 0x14: case 0x16: case 0x1b: return buf.toString('latin1', start, end);
    default: return null;
  }
}

/** Anything escapeValue would change. */
const NEEDS_ESCAPE = /[,=+<>#;"\\\u0000]|^[ \r]|[ \r]$/;

/**
 * RFC 2253 §2.4 value escaping as Java's AVA.toRFC2253String does it: `\` before each of
 * `, = + < > # ; " \` anywhere (Java adds `=` and `#` to §2.4's list, which §2.4 allows), U+0000 as
 * `\00`, and `\` before every space or CR of the leading run and of the trailing run. Other
 * characters (non-ASCII and control characters included) pass unchanged.
 */
function escapeValue(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let body = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    switch (c) {
      case ',': case '=': case '+': case '<': case '>': case '#': case ';': case '"': case '\\':
        body += '\\' + c; break;
      case '\u0000': body += '\\00'; break;
      default: body += c;
    }
  }
  let lead = 0;
  while (lead < body.length && (body[lead] === ' ' || body[lead] === '\r')) lead++;
  let trail = body.length - 1;
  while (trail >= 0 && (body[trail] === ' ' || body[trail] === '\r')) trail--;
  if (lead === 0 && trail === body.length - 1) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) out += (i < lead || i > trail ? '\\' : '') + body[i];
  return out;
}

function avaString(buf: Buffer, ava: Tlv): string {
  if (ava.tag !== 0x30) throw new DerError('AttributeTypeAndValue: expected a SEQUENCE');
  const type = expectTlv(buf, ava.vStart, ava.end, 0x06, 'AttributeType');
  const value = readTlv(buf, type.end, ava.end);
  if (value.end !== ava.end) throw new DerError('AttributeTypeAndValue: trailing data after the value');
  const keyword = keywordOf(buf, type.vStart, type.end);
  if (keyword !== undefined) {
    const s = decodeDirectoryString(buf, value.tag, value.vStart, value.end);
    if (s !== null) return keyword + '=' + escapeValue(s);
  }
  return (keyword ?? decodeOid(tlvValue(buf, type))) + '=#' + buf.toString('hex', value.start, value.end);
}

/**
 * Java `X500Principal.getName("RFC2253")` of a DER Name: RDNs last-first joined by `,`; the members
 * of a multi-valued RDN joined by `+` in their encoded order (Java sorts them only for the CANONICAL
 * format); keywords only for CN C L ST O OU STREET DC UID with a directory-string value, otherwise
 * `<keyword or dotted OID>=#<lower-case hex of the whole value TLV>`.
 */
export function rfc2253(nameDer: Uint8Array): string {
  const buf = Buffer.from(nameDer.buffer, nameDer.byteOffset, nameDer.length);
  const name = expectTlv(buf, 0, buf.length, 0x30, 'Name');
  if (name.end !== buf.length) throw new DerError('Name: trailing data after the name');
  const rdns = children(buf, name);
  let out = '';
  for (let i = rdns.length - 1; i >= 0; i--) {
    const rdn = rdns[i] as Tlv;
    if (rdn.tag !== 0x31) throw new DerError('RelativeDistinguishedName: expected a SET');
    if (rdn.vStart === rdn.end) throw new DerError('RelativeDistinguishedName: empty SET');
    if (i !== rdns.length - 1) out += ',';
    for (let p = rdn.vStart; p < rdn.end;) {
      const ava = readTlv(buf, p, rdn.end);
      if (p !== rdn.vStart) out += '+';
      out += avaString(buf, ava);
      p = ava.end;
    }
  }
  return out;
}

