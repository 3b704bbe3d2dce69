// Compact JWS (JWT) signing and parsing for RS256 and ES256, nothing else: the algorithm a
// token claims must be the verifying key's, so "none" or an HMAC keyed with a public key can
// never pass.
import { sign, verify } from 'node:crypto';
import type { SigningKey, VerificationKey } from './signing-key.js';

/** Bearer tokens longer than this are not parsed at all. */
const MAX_TOKEN_LENGTH = 16 * 1024;

export interface ParsedJwt {
  header: { alg?: unknown; kid?: unknown; [k: string]: unknown };
  claims: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function cryptoOptions(alg: string): { hash: string; dsaEncoding?: 'ieee-p1363' } | undefined {
  if (alg === 'RS256') return { hash: 'sha256' };
  // JWS carries ECDSA signatures as r||s, not DER.
  if (alg === 'ES256') return { hash: 'sha256', dsaEncoding: 'ieee-p1363' };
  return undefined;
}

/** Sign claims; the header names the algorithm and the key id, as upstream's tokens do. */
export function signJwt(key: SigningKey, claims: Record<string, unknown>): string {
  const input = `${b64({ alg: key.alg, kid: key.kid })}.${b64(claims)}`;
  const o = cryptoOptions(key.alg)!;
  const signature = sign(o.hash, Buffer.from(input), o.dsaEncoding ? { key: key.privateKey, dsaEncoding: o.dsaEncoding } : key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string): Record<string, unknown> | undefined {
  if (!B64URL.test(part)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Split and decode a compact JWS without verifying it; undefined when it is not one. */
export function parseJwt(token: string): ParsedJwt | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !B64URL.test(parts[2]!)) return undefined;
  const header = decodePart(parts[0]!);
  const claims = decodePart(parts[1]!);
  if (!header || !claims) return undefined;
  return { header, claims, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
}

/** Whether one of the keys (the one the header's kid names, if any) signed the token. */
export function verifyJwt(jwt: ParsedJwt, keys: readonly VerificationKey[]): boolean {
  const alg = jwt.header.alg;
  const kid = jwt.header.kid;
  if (typeof alg !== 'string') return false;
  const o = cryptoOptions(alg);
  if (!o) return false;
  for (const key of keys) {
    if (key.alg !== alg) continue;
    if (typeof kid === 'string' && kid !== '' && kid !== key.kid) continue;
    try {
      const ok = verify(o.hash, Buffer.from(jwt.signingInput), o.dsaEncoding ? { key: key.publicKey, dsaEncoding: o.dsaEncoding } : key.publicKey, jwt.signature);
      if (ok) return true;
    } catch {
      // A malformed signature is just a failed verification.
    }
  }
  return false;
}
