// A certificate and its private key as PEM, and the files they are kept in. Plain node:crypto, so
// a process can check and load its certificates without the X.509 library that makes them.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface KeyPair {
  cert: string;
  key: string;
}

export const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** The pair kept in these two files, or undefined when either is missing. */
export function readKeyPair(certPath: string, keyPath: string): KeyPair | undefined {
  return existsSync(certPath) && existsSync(keyPath) ? { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') } : undefined;
}

/** The certificate is world-readable, the key only for its owner. */
export function writeKeyPair(certPath: string, keyPath: string, pair: KeyPair): void {
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
}

/** True when the (first) certificate in the PEM expires within `ms`. */
export function expiresWithin(certPem: string, ms: number, now = Date.now()): boolean {
  return Date.parse(new X509Certificate(certPem).validTo) - now < ms;
}
