// Certificate serial numbers (X509.md §3): 16 random bytes from a CSPRNG, first byte non-zero.
import { randomFillSync } from 'node:crypto';

/** CSPRNG output fetched 4 KiB at a time: one RAND_bytes call per 256 serials instead of one per serial. */
const pool = new Uint8Array(4096);
let used = pool.length;

/** Always 16 magnitude bytes, so the certificate id in the ARN is always 32 hex digits. */
export function newSerial(): Uint8Array {
  for (;;) {
    if (used === pool.length) { randomFillSync(pool); used = 0; }
    const b = pool.slice(used, used + 16);
    pool.fill(0, used, used + 16); // no copy of a handed-out serial stays behind
    used += 16;
    if (b[0] !== 0) return b;
  }
}
