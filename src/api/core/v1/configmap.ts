// The ConfigMap kind: key rules, the 1 MiB size cap, and the `immutable` flag.
import type { KindDefinition } from '../../scheme/kind.js';
import { FieldPath, forbidden, invalid, path, type FieldError } from '../../validation/field.js';
import { isConfigMapKey } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './configmap-schema.js';
import type { ConfigMap } from './types.js';
import { base64ByteLength, isBase64, semanticEqual, sortedKeys } from './validation-helpers.js';

/** Upstream's MaxSecretSize, which also caps ConfigMaps. */
export const MAX_DATA_SIZE = 1024 * 1024;
/** Size errors carry no value: echoing a megabyte back helps nobody. */
export function sizeTooLong(p: FieldPath): FieldError {
  return { type: 'FieldValueTooLong', field: String(p), detail: `must have at most ${MAX_DATA_SIZE} bytes` };
}

export const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';

function validateConfigMapData(cm: ConfigMap): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const key of sortedKeys(cm.data)) {
    const p = path('data').key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(p, key, msg));
    if (cm.binaryData && key in cm.binaryData) errs.push(invalid(p, key, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(cm.data![key] ?? '');
  }
  for (const key of sortedKeys(cm.binaryData)) {
    const p = path('binaryData').key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(p, key, msg));
    if (cm.data && key in cm.data) errs.push(invalid(p, key, 'duplicate of key present in data'));
    const value = cm.binaryData![key];
    if (!isBase64(value)) errs.push(invalid(p, '<binary>', 'must be base64-encoded'));
    else total += base64ByteLength(value);
  }
  // An empty path: the limit is on the object as a whole.
  if (total > MAX_DATA_SIZE) errs.push(sizeTooLong(FieldPath.root('')));
  return errs;
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  return [...validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain), ...validateConfigMapData(cm)];
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata, path('metadata'));
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(forbidden(path('immutable'), IMMUTABLE_WHEN_SET));
    if (!semanticEqual(cm.data, old.data)) errs.push(forbidden(path('data'), IMMUTABLE_WHEN_SET));
    if (!semanticEqual(cm.binaryData, old.binaryData)) errs.push(forbidden(path('binaryData'), IMMUTABLE_WHEN_SET));
  }
  errs.push(...validateConfigMapData(cm));
  return errs;
}

export const configMapKind: KindDefinition<ConfigMap> = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  singular: 'configmap',
  shortNames: ['cm'],
  namespaced: true,
  schema: 'io.k8s.api.core.v1.ConfigMap',
  tracksGeneration: false,
  validateCreate: validateConfigMap,
  validateUpdate: validateConfigMapUpdate,
};
