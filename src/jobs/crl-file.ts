// A signed CRL written to a file without ever being held whole: the TBSCertList streams chunk by chunk into a
// streaming signature and into the file, after room left for the CertificateList header, and the signature algorithm
// and value are appended once the signature is known.
import { open, rm, type FileHandle } from 'node:fs/promises';
import { beginSignature, type Signer } from '../ports/keys.ts';
import type { KeyAlgorithm, SigningAlgorithm } from '../x509/algorithms.ts';
import { algorithmIdentifier } from '../x509/certificate.ts';
import type { CrlTbs } from '../x509/crl.ts';
import { bitString, derHeader, lengthOctets } from '../x509/der.ts';

/** The longest signature value each key type makes (ECDSA: a DER SEQUENCE of two INTEGERs, shorter at times). */
const MAX_SIGNATURE: Record<KeyAlgorithm, number> = {
  RSA_2048: 256, RSA_3072: 384, RSA_4096: 512,
  EC_prime256v1: 72, EC_secp384r1: 104, EC_secp521r1: 139, SM2: 72,
  ML_DSA_44: 2420, ML_DSA_65: 3309, ML_DSA_87: 4627,
};

export interface CrlFile {
  /** Length of the file, the DER CertificateList. */
  bytes: number;
  /** Milliseconds spent writing (and hashing) the TBS, signing, and assembling and syncing the file. */
  ms: { encode: number; sign: number; sync: number };
}

/**
 * Writes the CertificateList of `tbs` signed by `signer` to `path`, a new file (created exclusively, synced before
 * this returns), which is removed again if anything fails: CrlChanged from `tbs.chunks()` included.
 */
export async function writeCrlFile(path: string, tbs: CrlTbs, signer: Signer, alg: SigningAlgorithm): Promise<CrlFile> {
  const algId = algorithmIdentifier(alg);
  // The outer header's size depends on the signature's length, known only at the end; the room left for it assumes
  // the longest signature, which RSA and ML-DSA always make. A shorter ECDSA one changes it only when the outer
  // length sits just above a boundary of the length octets (128 B, 256 B, 64 KiB, 16 MiB): then the TBS moves down.
  const room = 1 + lengthOctets(tbs.length + algId.length + bitStringLength(MAX_SIGNATURE[signer.key.algorithm]));
  const fh = await open(path, 'wx+', 0o644);
  try {
    try {
      const t0 = performance.now();
      const stream = beginSignature(signer, alg);
      let pos = room;
      for await (const chunk of tbs.chunks()) {
        stream.update(chunk);
        await writeAt(fh, chunk, pos);
        pos += chunk.length;
      }
      const t1 = performance.now();
      const signature = await stream.final();
      const t2 = performance.now();
      const sig = bitString(signature);
      const header = derHeader(0x30, tbs.length + algId.length + sig.length);
      if (header.length > room) throw new Error(`a ${alg} signature of ${signature.length} octets is longer than a ${signer.key.algorithm} key makes`);
      // The tail written below is longer than the shift, so no stale octets remain at the end.
      if (header.length < room) await moveDown(fh, room, tbs.length, room - header.length);
      await writeAt(fh, header, 0);
      await writeAt(fh, algId, header.length + tbs.length);
      await writeAt(fh, sig, header.length + tbs.length + algId.length);
      await fh.datasync();
      const ms = (a: number, b: number) => Math.round(b - a);
      return { bytes: header.length + tbs.length + algId.length + sig.length, ms: { encode: ms(t0, t1), sign: ms(t1, t2), sync: ms(t2, performance.now()) } };
    } finally {
      await fh.close();
    }
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
}

function bitStringLength(n: number): number {
  return 1 + lengthOctets(n + 1) + 1 + n;
}

async function writeAt(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let off = 0; off < bytes.length;) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off, position + off);
    off += bytesWritten;
  }
}

/** Moves `length` octets at `from` down by `by` (front to back, so that nothing is overwritten before it is read). */
async function moveDown(fh: FileHandle, from: number, length: number, by: number): Promise<void> {
  const buf = new Uint8Array(Math.min(length, 1 << 20));
  for (let off = 0; off < length;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - off), from + off);
    if (bytesRead === 0) throw new Error('the CRL file is shorter than written');
    await writeAt(fh, buf.subarray(0, bytesRead), from + off - by);
    off += bytesRead;
  }
}
