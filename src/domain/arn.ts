// ARNs of certificate authorities: partition from region, building, and parsing with the InvalidArn rules of LIFECYCLE.md §7.
import { fail } from '../contract/errors.ts';

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

export function caArn(region: string, account: string, id: string): string {
  return `arn:${partitionOf(region)}:acm-pca:${region}:${account}:certificate-authority/${id}`;
}

export interface ParsedCaArn { partition: string; region: string; account: string; id: string }

/**
 * Parses a CA ARN that already passed the model pattern. Wrong resource type, or a region/partition other than
 * the request's → InvalidArnException. (Whether such a CA exists is the caller's next question.)
 */
export function parseCaArn(arn: string, requestRegion: string, member = 'CertificateAuthorityArn'): ParsedCaArn {
  const parts = arn.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[2] !== 'acm-pca') {
    throw fail('InvalidArnException', `${member} ${arn} is not a valid private CA ARN; expected arn:${partitionOf(requestRegion)}:acm-pca:${requestRegion}:<account>:certificate-authority/<id>.`);
  }
  const [, partition, , region, account, resource] = parts as [string, string, string, string, string, string];
  const m = /^certificate-authority\/([^/]+)$/.exec(resource);
  if (!m) {
    throw fail('InvalidArnException', `${member} ${arn} does not name a certificate authority (expected the resource certificate-authority/<id>).`);
  }
  if (region !== requestRegion) {
    throw fail('InvalidArnException', `${member} ${arn} names region '${region}', but the request was signed for region '${requestRegion}'.`);
  }
  if (partition !== partitionOf(region)) {
    throw fail('InvalidArnException', `${member} ${arn} names partition '${partition}', which does not serve region '${region}' (expected '${partitionOf(region)}').`);
  }
  if (!/^\d{12}$/.test(account)) {
    throw fail('InvalidArnException', `${member} ${arn} has an invalid account id '${account}' (expected 12 digits).`);
  }
  return { partition, region, account, id: m[1]! };
}
