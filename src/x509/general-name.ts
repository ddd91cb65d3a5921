// API GeneralName → X.509 GeneralName (X509.md §7.4): exactly one member, each in its fixed encoding.
import { isIP } from 'node:net';
import { AsnConvert, AsnAnyConverter } from '@peculiar/asn1-schema';
import { DirectoryString, EDIPartyName, GeneralName, OtherName } from '@peculiar/asn1-x509';
import { ApiError } from '../contract/errors.ts';
import { checkOid, encodeSubject, type Asn1SubjectInput } from './name.ts';
import { tlv } from './der.ts';

export interface OtherNameInput {
  TypeId: string;
  Value: string;
}

export interface EdiPartyNameInput {
  PartyName: string;
  NameAssigner?: string;
}

/** The model's GeneralName structure (exactly one member may be set). */
export interface GeneralNameInput {
  OtherName?: OtherNameInput;
  Rfc822Name?: string;
  DnsName?: string;
  DirectoryName?: Asn1SubjectInput;
  EdiPartyName?: EdiPartyNameInput;
  UniformResourceIdentifier?: string;
  IpAddress?: string;
  RegisteredId?: string;
}

const MEMBERS = ['OtherName', 'Rfc822Name', 'DnsName', 'DirectoryName', 'EdiPartyName',
  'UniformResourceIdentifier', 'IpAddress', 'RegisteredId'] as const;

const ASCII = /^[\x00-\x7f]*$/;
const utf8 = new TextEncoder();

function invalid(message: string): ApiError {
  return new ApiError('InvalidArgsException', message);
}

function ascii(v: unknown, where: string): string {
  if (typeof v !== 'string') throw invalid(`${where} must be a string`);
  if (!ASCII.test(v)) throw invalid(`${where} must contain ASCII characters only (it is encoded as an IA5String); convert internationalized names first`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw invalid(`${where} must be a string`);
  return v;
}

/** Parses an IPv4 dotted quad or IPv6 text address into its 4 or 16 network-order bytes. */
export function ipAddressBytes(text: string, where = 'IpAddress'): Uint8Array {
  const family = typeof text === 'string' && !text.includes('%') ? isIP(text) : 0;
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  if (family !== 6) throw invalid(`${where} must be an IPv4 (dotted-quad) or IPv6 address; got ${JSON.stringify(text)}`);
  let s = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4?.[1]) {
    const b = v4[1].split('.').map(Number);
    s = s.slice(0, s.length - v4[1].length) + `${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const [head = '', tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const n = parseInt(g, 16); out[2 * i] = n >> 8; out[2 * i + 1] = n & 0xff; });
  return out;
}

/** Text form the asn1-x509 IP converter parses back to exactly `bytes`. */
function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/**
 * asn1-x509's EDIPartyName schema tags its DirectoryString CHOICE implicitly (invalid) and the
 * GeneralName [5] explicitly; we emit the RFC 5280 / OpenSSL form instead:
 * [5] IMPLICIT SEQUENCE { nameAssigner [0] EXPLICIT UTF8String OPTIONAL, partyName [1] EXPLICIT UTF8String }.
 */
function ediGeneralName(e: EdiPartyNameInput, where: string): GeneralName {
  if (e === null || typeof e !== 'object') throw invalid(`${where} must be an EdiPartyName structure`);
  const party = str(e.PartyName, `${where}.PartyName`);
  const assigner = e.NameAssigner == null ? undefined : str(e.NameAssigner, `${where}.NameAssigner`);
  const parts: Uint8Array[] = [];
  if (assigner !== undefined) parts.push(tlv(0xa0, tlv(0x0c, utf8.encode(assigner))));
  parts.push(tlv(0xa1, tlv(0x0c, utf8.encode(party))));
  const der = tlv(0xa5, ...parts);
  const gn = new GeneralName({
    ediPartyName: new EDIPartyName({
      partyName: new DirectoryString({ utf8String: party }),
      ...(assigner !== undefined ? { nameAssigner: new DirectoryString({ utf8String: assigner }) } : {}),
    }),
  });
  // asn1-schema serializes any object with toASN/fromASN through them (IAsnConvertible).
  return Object.assign(gn, {
    toASN: () => AsnAnyConverter.toASN(der.slice().buffer),
    fromASN: () => { throw new Error('not supported'); },
  });
}

/** Encodes one API GeneralName; `where` names it in error messages. */
export function encodeGeneralName(g: GeneralNameInput, where = 'GeneralName'): GeneralName {
  if (g === null || typeof g !== 'object') throw invalid(`${where} must be a GeneralName structure`);
  const set = MEMBERS.filter((m) => g[m] != null);
  if (set.length !== 1) {
    throw invalid(`${where} must have exactly one of ${MEMBERS.join(', ')} set; ` +
      (set.length === 0 ? 'none is set' : `got ${set.join(' and ')}`));
  }
  const m = set[0];
  const at = `${where}.${m}`;
  switch (m) {
    case 'OtherName': {
      const o = g.OtherName;
      if (o === null || typeof o !== 'object') throw invalid(`${at} must be an OtherName structure`);
      const typeId = checkOid(o.TypeId, `${at}.TypeId`);
      const value = AsnConvert.serialize(new DirectoryString({ utf8String: str(o.Value, `${at}.Value`) }));
      return new GeneralName({ otherName: new OtherName({ typeId, value }) });
    }
    case 'Rfc822Name': return new GeneralName({ rfc822Name: ascii(g.Rfc822Name, at) });
    case 'DnsName': return new GeneralName({ dNSName: ascii(g.DnsName, at) });
    case 'UniformResourceIdentifier': return new GeneralName({ uniformResourceIdentifier: ascii(g.UniformResourceIdentifier, at) });
    case 'DirectoryName': return new GeneralName({ directoryName: encodeSubject(g.DirectoryName as Asn1SubjectInput, at) });
    case 'EdiPartyName': return ediGeneralName(g.EdiPartyName as EdiPartyNameInput, at);
    case 'IpAddress': return new GeneralName({ iPAddress: ipText(ipAddressBytes(g.IpAddress as string, at)) });
    case 'RegisteredId': return new GeneralName({ registeredID: checkOid(g.RegisteredId, at) });
    default: throw invalid(`${where} has no member set`);
  }
}

/** DER of one API GeneralName. */
export function generalNameDer(g: GeneralNameInput, where = 'GeneralName'): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(encodeGeneralName(g, where)));
}
