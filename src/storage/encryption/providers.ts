// The value transformers of kube-apiserver's encryption at rest, byte-compatible with what
// upstream writes to etcd: `k8s:enc:<provider>:v1:<key name>:` then the provider's payload.
//   aescbc    IV (16) + AES-CBC ciphertext, PKCS#7 padded
//   aesgcm    nonce (12) + AES-GCM ciphertext + tag (16), the storage key as additional data
//   secretbox nonce (24) + XSalsa20-Poly1305 box (tag first), via tweetnacl (node:crypto has no XSalsa20)
//   identity  the plain value, no prefix
import { createCipheriv, createDecipheriv, randomBytes, type CipherGCM, type DecipherGCM } from 'node:crypto';
import nacl from 'tweetnacl';

export type ProviderType = 'aescbc' | 'aesgcm' | 'secretbox' | 'identity';

/** One key of one provider: what writes values under its prefix and reads values that carry it. */
export interface Transformer {
  readonly type: ProviderType;
  /** Key name ('' for identity). */
  readonly name: string;
  /** What values it writes start with ('' for identity, which reads anything unencrypted). */
  readonly prefix: Buffer;
  seal(plain: Buffer, storageKey: string): Buffer;
  /** The payload after the prefix back to the plain value; throws when it does not authenticate. */
  open(payload: Buffer, storageKey: string): Buffer;
}

export const ENCRYPTED_PREFIX = 'k8s:enc:';

export class KeyError extends Error {}

function prefixOf(type: ProviderType, name: string): Buffer {
  return Buffer.from(`${ENCRYPTED_PREFIX}${type}:v1:${name}:`);
}

function aesAlgorithm(mode: 'cbc' | 'gcm', key: Buffer, name: string, type: ProviderType): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new KeyError(`key "${name}" of ${type}: the key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-${mode}`;
}

/** A keyed transformer from its payload functions: the prefix is put on and taken off here. */
function keyed(type: ProviderType, name: string, seal: (plain: Buffer, storageKey: string) => Buffer[], open: Transformer['open']): Transformer {
  const prefix = prefixOf(type, name);
  return { type, name, prefix, seal: (plain, storageKey) => Buffer.concat([prefix, ...seal(plain, storageKey)]), open };
}

export function aescbc(name: string, key: Buffer): Transformer {
  const algorithm = aesAlgorithm('cbc', key, name, 'aescbc');
  return keyed(
    'aescbc',
    name,
    (plain) => {
      const iv = randomBytes(16);
      const c = createCipheriv(algorithm, key, iv);
      return [iv, c.update(plain), c.final()];
    },
    (payload) => {
      if (payload.length < 32 || payload.length % 16 !== 0) throw new Error('the stored data is not a whole number of AES blocks');
      const d = createDecipheriv(algorithm, key, payload.subarray(0, 16));
      return Buffer.concat([d.update(payload.subarray(16)), d.final()]);
    },
  );
}

export function aesgcm(name: string, key: Buffer): Transformer {
  const algorithm = aesAlgorithm('gcm', key, name, 'aesgcm');
  return keyed(
    'aesgcm',
    name,
    (plain, storageKey) => {
      const nonce = randomBytes(12);
      const c = createCipheriv(algorithm, key, nonce) as CipherGCM;
      c.setAAD(Buffer.from(storageKey));
      const body = [c.update(plain), c.final()];
      return [nonce, ...body, c.getAuthTag()];
    },
    (payload, storageKey) => {
      if (payload.length < 12 + 16) throw new Error('the stored data is too short for AES-GCM');
      const d = createDecipheriv(algorithm, key, payload.subarray(0, 12)) as DecipherGCM;
      d.setAAD(Buffer.from(storageKey));
      d.setAuthTag(payload.subarray(payload.length - 16));
      return Buffer.concat([d.update(payload.subarray(12, payload.length - 16)), d.final()]);
    },
  );
}

export function secretbox(name: string, key: Buffer): Transformer {
  if (key.length !== nacl.secretbox.keyLength) throw new KeyError(`key "${name}" of secretbox: the key must be 32 bytes, got ${key.length}`);
  const k = new Uint8Array(key);
  const n = nacl.secretbox.nonceLength;
  return keyed(
    'secretbox',
    name,
    (plain) => {
      const nonce = randomBytes(n);
      return [nonce, Buffer.from(nacl.secretbox(new Uint8Array(plain), new Uint8Array(nonce), k))];
    },
    (payload) => {
      const opened = payload.length > n ? nacl.secretbox.open(payload.subarray(n), payload.subarray(0, n), k) : null;
      if (!opened) throw new Error('the stored data does not authenticate with secretbox');
      return Buffer.from(opened);
    },
  );
}

export const identity: Transformer = {
  type: 'identity',
  name: '',
  prefix: Buffer.alloc(0),
  seal: (plain) => plain,
  open(payload) {
    // As upstream: plain reading must never hand ciphertext on as if it were an object.
    if (payload.subarray(0, ENCRYPTED_PREFIX.length).toString() === ENCRYPTED_PREFIX) throw new Error('identity transformer tried to read encrypted data');
    return payload;
  },
};

/** What reading one stored value found: the plain bytes and whether the value should be rewritten with the first transformer. */
export interface Opened {
  plain: Buffer;
  stale: boolean;
}

/**
 * The transformers of one resource, in configuration order: the first writes, all read, as
 * upstream's prefix transformer: a value goes to the first transformer whose prefix it carries.
 */
export class TransformerChain {
  constructor(readonly transformers: readonly Transformer[]) {
    if (!transformers.length) throw new KeyError('no providers');
  }

  get writer(): Transformer {
    return this.transformers[0]!;
  }

  seal(plain: Buffer, storageKey: string): Buffer {
    return this.writer.seal(plain, storageKey);
  }

  open(stored: Buffer, storageKey: string): Opened {
    for (let i = 0; i < this.transformers.length; i++) {
      const t = this.transformers[i]!;
      if (stored.length < t.prefix.length || !stored.subarray(0, t.prefix.length).equals(t.prefix)) continue;
      return { plain: t.open(stored.subarray(t.prefix.length), storageKey), stale: i !== 0 };
    }
    throw new Error(`no matching prefix found for the stored value of ${storageKey}`);
  }
}
