// Which CRL partition a new certificate of a PARTITIONED CA goes to (REVOCATION.md §2.5, R3): the CA's newest
// partition until it holds `size` certificates, then a new one (a random UUID). Kept in memory per CA, loaded once.
import type { Store } from '../ports/store.ts';

export class CrlPartitions {
  private readonly current = new Map<string, Promise<{ id: string; issued: number }>>();
  private readonly store: Store;
  private readonly size: number;
  private readonly uuid: () => string;

  constructor(o: { store: Store; size: number; uuid: () => string }) {
    this.store = o.store;
    this.size = o.size;
    this.uuid = o.uuid;
  }

  /** The partition for the next certificate of a CA; counted at once, so concurrent requests spread correctly. */
  async assign(caArn: string): Promise<string> {
    let p = this.current.get(caArn);
    if (!p) {
      p = this.store.read.crls.openPartition(caArn).then((r) => r ?? { id: this.uuid(), issued: 0 });
      this.current.set(caArn, p);
    }
    const part = await p;
    if (part.issued >= this.size) {
      const next = { id: this.uuid(), issued: 1 };
      this.current.set(caArn, Promise.resolve(next));
      return next.id;
    }
    part.issued++;
    return part.id;
  }
}
