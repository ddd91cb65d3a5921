// ASN1Subject → X.509 Name (X509.md §4.2): fixed RDN order, one attribute per RDN, fixed string types.
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { ApiError } from '../contract/errors.ts';

export interface CustomAttributeInput {
  ObjectIdentifier: string;
  Value: string;
}

/** The model's ASN1Subject structure. */
export interface Asn1SubjectInput {
  Country?: string;
  Organization?: string;
  OrganizationalUnit?: string;
  DistinguishedNameQualifier?: string;
  State?: string;
  CommonName?: string;
  SerialNumber?: string;
  Locality?: string;
  Title?: string;
  Surname?: string;
  GivenName?: string;
  Initials?: string;
  Pseudonym?: string;
  GenerationQualifier?: string;
  CustomAttributes?: CustomAttributeInput[];
}

type StandardField = Exclude<keyof Asn1SubjectInput, 'CustomAttributes'>;
type StringType = 'printable' | 'utf8' | 'ia5';

/** The emission order, OID and string type of the 14 standard fields. */
export const SUBJECT_FIELDS: readonly { field: StandardField; oid: string; type: StringType }[] = [
  { field: 'Country', oid: '2.5.4.6', type: 'printable' },
  { field: 'Organization', oid: '2.5.4.10', type: 'utf8' },
  { field: 'OrganizationalUnit', oid: '2.5.4.11', type: 'utf8' },
  { field: 'DistinguishedNameQualifier', oid: '2.5.4.46', type: 'printable' },
  { field: 'State', oid: '2.5.4.8', type: 'utf8' },
  { field: 'CommonName', oid: '2.5.4.3', type: 'utf8' },
  { field: 'SerialNumber', oid: '2.5.4.5', type: 'printable' },
  { field: 'Locality', oid: '2.5.4.7', type: 'utf8' },
  { field: 'Title', oid: '2.5.4.12', type: 'utf8' },
  { field: 'Surname', oid: '2.5.4.4', type: 'utf8' },
  { field: 'GivenName', oid: '2.5.4.42', type: 'utf8' },
  { field: 'Initials', oid: '2.5.4.43', type: 'utf8' },
  { field: 'Pseudonym', oid: '2.5.4.65', type: 'utf8' },
  { field: 'GenerationQualifier', oid: '2.5.4.44', type: 'utf8' },
];

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const IA5 = /^[\x00-\x7f]*$/;
const OID = /^([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})$/;
const PRINTABLE_CUSTOM_OIDS = new Set(['2.5.4.6', '2.5.4.5', '2.5.4.46']);
const IA5_CUSTOM_OIDS = new Set(['1.2.840.113549.1.9.1', '0.9.2342.19200300.100.1.25']);

function invalid(message: string): ApiError {
  return new ApiError('InvalidArgsException', message);
}

/** Throws InvalidArgsException unless `value` is a dotted OID matching the model's CustomObjectIdentifier pattern. */
export function checkOid(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length > 64 || !OID.test(value)) {
    throw invalid(`${what} must be an object identifier in dotted-decimal form, e.g. 1.3.6.1.4.1.99999.1; got ${JSON.stringify(value)}`);
  }
  return value;
}

function attributeValue(type: StringType, value: string): AttributeValue {
  switch (type) {
    case 'printable': return new AttributeValue({ printableString: value });
    case 'ia5': return new AttributeValue({ ia5String: value });
    case 'utf8': return new AttributeValue({ utf8String: value });
  }
}

function rdn(oid: string, type: StringType, value: string): RelativeDistinguishedName {
  return new RelativeDistinguishedName([new AttributeTypeAndValue({ type: oid, value: attributeValue(type, value) })]);
}

function customType(oid: string, value: string, path: string): StringType {
  if (PRINTABLE_CUSTOM_OIDS.has(oid) && PRINTABLE.test(value)) return 'printable';
  if (IA5_CUSTOM_OIDS.has(oid)) {
    if (!IA5.test(value)) throw invalid(`${path}.Value for ${oid} must be ASCII (it is encoded as an IA5String)`);
    return 'ia5';
  }
  return 'utf8';
}

function isSet(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/**
 * Encodes an ASN1Subject as an X.509 Name. `path` names the structure in error messages
 * (e.g. "CertificateAuthorityConfiguration.Subject"). Throws InvalidArgsException when
 * CustomAttributes are combined with standard fields, when a value cannot be represented
 * in its string type, or when the subject would be empty.
 */
export function encodeSubject(subject: Asn1SubjectInput, path = 'Subject'): Name {
  if (subject === null || typeof subject !== 'object') throw invalid(`${path} must be an ASN1Subject structure`);
  const rdns: RelativeDistinguishedName[] = [];
  const standard = SUBJECT_FIELDS.filter((f) => subject[f.field] != null && subject[f.field] !== '');
  const custom = subject.CustomAttributes;
  if (custom != null && custom.length > 0 && standard.length > 0) {
    throw invalid(`${path}: CustomAttributes cannot be combined with standard subject fields (${standard.map((f) => f.field).join(', ')}); ` +
      'put every attribute in CustomAttributes, or use only the standard fields');
  }
  for (const f of standard) {
    const value: unknown = subject[f.field];
    if (!isSet(value)) throw invalid(`${path}.${f.field} must be a string`);
    if (f.type === 'printable' && !PRINTABLE.test(value)) {
      throw invalid(`${path}.${f.field} may only contain the PrintableString characters A-Z a-z 0-9 space ' ( ) + , - . / : = ?`);
    }
    rdns.push(rdn(f.oid, f.type, value));
  }
  if (custom != null) {
    if (!Array.isArray(custom)) throw invalid(`${path}.CustomAttributes must be a list`);
    custom.forEach((a, i) => {
      const where = `${path}.CustomAttributes[${i}]`;
      if (a === null || typeof a !== 'object') throw invalid(`${where} must be a CustomAttribute structure`);
      const oid = checkOid(a.ObjectIdentifier, `${where}.ObjectIdentifier`);
      if (!isSet(a.Value)) throw invalid(`${where}.Value must be a non-empty string`);
      rdns.push(rdn(oid, customType(oid, a.Value, where), a.Value));
    });
  }
  if (rdns.length === 0) throw invalid(`The subject must contain at least one attribute (${path} has none)`);
  return new Name(rdns);
}

/** DER encoding of the Name for `subject` (same rules and errors as encodeSubject). */
export function subjectDer(subject: Asn1SubjectInput, path = 'Subject'): Uint8Array {
  return new Uint8Array(AsnConvert.serialize(encodeSubject(subject, path)));
}
