// Tag rules shared by CreateCertificateAuthority, TagCertificateAuthority and UntagCertificateAuthority.
import { fail } from '../contract/errors.ts';
import type { TagRecord } from '../ports/store.ts';

export const MAX_TAGS_PER_CA = 50;

/** Rejects reserved `aws:` keys and keys repeated within one request (InvalidTagException). */
export function checkTags(tags: ReadonlyArray<{ Key: string; Value?: string | undefined }>): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (t.Key.toLowerCase().startsWith('aws:')) {
      throw fail('InvalidTagException', `Tag key '${t.Key}' is not allowed: keys starting with 'aws:' are reserved.`);
    }
    if (seen.has(t.Key)) throw fail('InvalidTagException', `Tag key '${t.Key}' appears more than once in the request.`);
    seen.add(t.Key);
  }
}

/** Adds or overwrites tags, keeping the first-insertion order of keys. */
export function mergeTags(current: TagRecord[], add: ReadonlyArray<{ Key: string; Value?: string | undefined }>): TagRecord[] {
  const out = current.map((t) => ({ ...t }));
  for (const t of add) {
    const existing = out.find((x) => x.key === t.Key);
    if (existing) existing.value = t.Value ?? null;
    else out.push({ key: t.Key, value: t.Value ?? null });
  }
  return out;
}

/** Removes each key; when a Value is given, only if the stored value equals it. Unknown keys are ignored. */
export function removeTags(current: TagRecord[], remove: ReadonlyArray<{ Key: string; Value?: string | undefined }>): TagRecord[] {
  return current.filter((t) => !remove.some((r) => r.Key === t.key && (r.Value === undefined || r.Value === (t.value ?? ''))));
}
