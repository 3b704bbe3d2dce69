// Small validators the core/v1 kinds share, each phrased the way upstream's
// pkg/apis/core/validation reports it, so error text matches what kubectl users see.
import { invalid, type FieldError, type FieldPath } from '../../validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, parseIPv4Sloppy } from '../../validation/names.js';
import { semanticEqual } from '../../meta/equality.js';

export { semanticEqual };

export const FIELD_IMMUTABLE = 'field is immutable';

export function validateDNS1123Label(value: string, p: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(p, value, msg));
}

export function validateDNS1123Subdomain(value: string, p: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => invalid(p, value, msg));
}

export function validateQualifiedName(value: string, p: FieldPath): FieldError[] {
  return isQualifiedName(value).map((msg) => invalid(p, value, msg));
}


/** Upstream's ValidateImmutableField. */
export function validateImmutable(next: unknown, old: unknown, p: FieldPath): FieldError[] {
  return semanticEqual(next, old) ? [] : [invalid(p, next, FIELD_IMMUTABLE)];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** []byte fields travel as standard base64 in JSON; anything else could not have been decoded. */
export function isBase64(s: unknown): s is string {
  return typeof s === 'string' && BASE64.test(s);
}

/** Length in bytes of a base64 value, without allocating the decoded buffer. */
export function base64ByteLength(s: string): number {
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return (s.length / 4) * 3 - pad;
}

export function sortedKeys(m: Record<string, unknown> | undefined): string[] {
  return Object.keys(m ?? {}).sort();
}

/** IPv4 (leading zeros tolerated, as upstream's sloppy parser) and IPv6 text forms, without zones. */
export function parseIP(s: string): { family: 4 | 6; bytes: number[] } | undefined {
  if (s.includes(':')) return parseIPv6(s);
  const v4 = parseIPv4(s);
  return v4 ? { family: 4, bytes: v4 } : undefined;
}

function parseIPv4(s: string): number[] | undefined {
  return parseIPv4Sloppy(s);
}

function parseIPv6(s: string): { family: 6; bytes: number[] } | undefined {
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const all = [...head, ...Array(8 - total).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return { family: 6, bytes };
}

/** Upstream's ValidateNonSpecialIP: addresses that can never be an endpoint. */
export function validateNonSpecialIP(ip: string, p: FieldPath): FieldError[] {
  const parsed = parseIP(ip);
  if (!parsed) return [invalid(p, ip, 'must be a valid IP address')];
  const b = parsed.bytes;
  if (b.every((x) => x === 0)) return [invalid(p, ip, 'may not be unspecified (0.0.0.0)')];
  const v4 = parsed.family === 4 ? b : isV4Mapped(b) ? b.slice(12) : undefined;
  if (v4) {
    if (v4[0] === 127) return [invalid(p, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
    if (v4[0] === 169 && v4[1] === 254) return [invalid(p, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
    if (v4[0] === 224 && v4[1] === 0 && v4[2] === 0) return [invalid(p, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
    return [];
  }
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return [invalid(p, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return [invalid(p, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  if (b[0] === 0xff && (b[1]! & 0x0f) === 0x02) return [invalid(p, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  return [];
}

function isV4Mapped(b: number[]): boolean {
  return b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
}
