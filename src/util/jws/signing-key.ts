// A JWS signing key: RSA 2048 (RS256) or ECDSA P-256 (ES256), kept as PKCS#8 PEM in a file and
// created once. Its key id is Kubernetes': the unpadded base64url SHA-256 of the public key's
// PKIX DER, so every process sharing the key (API servers verifying, a controller manager
// signing) names it alike.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type SigningAlgorithm = 'RS256' | 'ES256';

export interface SigningKey {
  alg: SigningAlgorithm;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A public key tokens are verified with. */
export interface VerificationKey {
  alg: SigningAlgorithm;
  kid: string;
  publicKey: KeyObject;
}

function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`signing key: RSA keys need at least 2048 bits, this one has ${bits}`);
    return 'RS256';
  }
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`signing key: unsupported key type ${key.asymmetricKeyType ?? 'unknown'} (use RSA 2048+ or ECDSA P-256)`);
}

export function keyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  return { alg: algorithmOf(privateKey), kid: keyId(publicKey), privateKey, publicKey };
}

export function generateSigningKey(type: 'rsa' | 'ec' = 'rsa'): SigningKey {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { alg: type === 'rsa' ? 'RS256' : 'ES256', kid: keyId(pair.publicKey), privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** Read the key at `file`, or create an RSA 2048 key there (mode 0600) when there is none. */
export function loadOrCreateSigningKey(file: string): SigningKey {
  if (existsSync(file)) return signingKeyFromPem(readFileSync(file, 'utf8'));
  const key = generateSigningKey('rsa');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, key.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another server sharing the data dir wrote one first: every server must sign with the same key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return signingKeyFromPem(readFileSync(file, 'utf8'));
    throw err;
  }
  return key;
}

export function verificationKey(key: SigningKey): VerificationKey {
  return { alg: key.alg, kid: key.kid, publicKey: key.publicKey };
}

/** The public key as a JWK, as /openid/v1/jwks lists it. */
export function publicJwk(key: VerificationKey): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { use: 'sig', ...jwk, kid: key.kid, alg: key.alg };
}
