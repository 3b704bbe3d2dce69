// The Secret kind: stringData folded into data on write, per-type required keys, the size cap,
// and immutability of `type` and (when `immutable` is set) of data.
import type { KindDefinition } from '../../scheme/kind.js';
import { forbidden, invalid, path, required, type FieldError } from '../../validation/field.js';
import { isConfigMapKey } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './configmap-schema.js';
import { IMMUTABLE_WHEN_SET, MAX_DATA_SIZE, sizeTooLong } from './configmap.js';
import type { Secret } from './types.js';
import { base64ByteLength, isBase64, sortedKeys, validateImmutable } from './validation-helpers.js';

export const SecretTypes = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

export const SERVICE_ACCOUNT_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
const REDACTED = '<secret contents redacted>';

/**
 * stringData is a write-only convenience: its values, base64-encoded, replace those in data
 * and the field itself is never stored (upstream does this when converting to the internal type).
 */
export function mergeStringData(secret: Secret): void {
  if (secret.stringData === undefined) return;
  const entries = Object.entries(secret.stringData ?? {});
  if (entries.length) {
    const data = (secret.data ??= {});
    for (const [k, v] of entries) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete secret.stringData;
}

export function defaultSecret(secret: Secret): void {
  mergeStringData(secret);
  secret.type ||= SecretTypes.opaque;
}

const decoded = (secret: Secret, key: string): Buffer | undefined => {
  const v = secret.data?.[key];
  return isBase64(v) ? Buffer.from(v, 'base64') : undefined;
};

function validateJsonKey(secret: Secret, key: string): FieldError[] {
  const p = path('data').key(key);
  if (!secret.data || !(key in secret.data)) return [required(p)];
  try {
    const parsed: unknown = JSON.parse(decoded(secret, key)?.toString('utf8') ?? '');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    return [];
  } catch (err) {
    return [invalid(p, REDACTED, err instanceof Error ? err.message : String(err))];
  }
}

function validateTypeKeys(secret: Secret): FieldError[] {
  const has = (k: string) => !!secret.data && k in secret.data;
  const dataKey = (k: string) => path('data').key(k);
  switch (secret.type) {
    case SecretTypes.serviceAccountToken:
      // The token itself is filled in later by a controller; only the account name is needed now.
      return secret.metadata.annotations?.[SERVICE_ACCOUNT_NAME_ANNOTATION] ? [] : [required(path('metadata', 'annotations').key(SERVICE_ACCOUNT_NAME_ANNOTATION))];
    case SecretTypes.dockercfg:
      return validateJsonKey(secret, '.dockercfg');
    case SecretTypes.dockerConfigJson:
      return validateJsonKey(secret, '.dockerconfigjson');
    case SecretTypes.basicAuth:
      // Either may be empty, but one of them must be present.
      return has('username') || has('password') ? [] : [required(dataKey('username')), required(dataKey('password'))];
    case SecretTypes.sshAuth:
      return (decoded(secret, 'ssh-privatekey')?.length ?? 0) > 0 ? [] : [required(dataKey('ssh-privatekey'))];
    case SecretTypes.tls: {
      const errs: FieldError[] = [];
      if (!has('tls.crt')) errs.push(required(dataKey('tls.crt')));
      if (!has('tls.key')) errs.push(required(dataKey('tls.key')));
      return errs;
    }
    default:
      return [];
  }
}

function validateSecretData(secret: Secret): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const key of sortedKeys(secret.data)) {
    const p = path('data').key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(p, key, msg));
    const value = secret.data![key];
    if (!isBase64(value)) errs.push(invalid(p, REDACTED, 'must be base64-encoded'));
    else total += base64ByteLength(value);
  }
  if (total > MAX_DATA_SIZE) errs.push(sizeTooLong(path('data')));
  errs.push(...validateTypeKeys(secret));
  return errs;
}

export function validateSecret(secret: Secret): FieldError[] {
  return [...validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain), ...validateSecretData(secret)];
}

/** Data compared by decoded bytes, so equivalent encodings are not a change. */
function sameData(a: Secret, b: Secret): boolean {
  const ka = sortedKeys(a.data);
  const kb = sortedKeys(b.data);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => a.data![k] === b.data![k] || (decoded(a, k)?.equals(decoded(b, k) ?? Buffer.alloc(0)) ?? false));
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata, path('metadata'));
  errs.push(...validateImmutable(secret.type, old.type, path('type')));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden(path('immutable'), IMMUTABLE_WHEN_SET));
    if (!sameData(secret, old)) errs.push(forbidden(path('data'), IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateSecretData(secret));
  return errs;
}

export const secretKind: KindDefinition<Secret> = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  schema: 'io.k8s.api.core.v1.Secret',
  tracksGeneration: false,
  default: defaultSecret,
  prepareForCreate: mergeStringData,
  prepareForUpdate: (secret) => mergeStringData(secret),
  validateCreate: validateSecret,
  validateUpdate: validateSecretUpdate,
  fieldSelectors: {
    type: (s) => s.type ?? '',
  },
};
