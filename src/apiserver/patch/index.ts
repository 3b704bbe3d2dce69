// The three PATCH body types kube-apiserver accepts besides server-side apply, behind one call.
import type { Schema } from '../../api/schema/dsl.js';
import { PatchError, badRequest, unprocessable } from './errors.js';
import { applyJsonPatch } from './json-patch.js';
import { isMap } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

export { PatchError, JSON_PATCH_REJECTED, type PatchErrorCode } from './errors.js';
export { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.js';
export { applyMergePatch } from './merge-patch.js';
export { applyStrategicMergePatch } from './strategic-merge-patch.js';

export type PatchType = 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json';

export const PATCH_TYPES: readonly PatchType[] = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** Decodes a raw body; the patch engines themselves take decoded JSON. */
function decode(type: PatchType, patch: unknown): unknown {
  if (typeof patch !== 'string' && !(patch instanceof Uint8Array)) return patch;
  const text = typeof patch === 'string' ? patch : new TextDecoder().decode(patch);
  try {
    return JSON.parse(text);
  } catch (err) {
    // evanphx's MergePatch reports any undecodable body with this one sentence.
    if (type === 'application/merge-patch+json') throw badRequest('Invalid JSON Patch');
    throw badRequest((err as Error).message);
  }
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Applies `patch` (decoded JSON, or the raw body as text/bytes) of the given type to a copy of
 * `original` and returns the patched object. `schema` (usually `ref(<definition>)`) drives
 * strategic merge patch; it may be undefined or incomplete. Every failure is a PatchError
 * (400, 413 or 422); `original` and `patch` are never changed.
 */
export function applyPatch(type: PatchType, original: object, patch: unknown, schema: Schema | undefined): object {
  let out: unknown;
  try {
    const body = decode(type, patch);
    switch (type) {
      case 'application/json-patch+json':
        out = applyJsonPatch(original, body);
        break;
      case 'application/merge-patch+json':
        out = applyMergePatch(original, body);
        break;
      case 'application/strategic-merge-patch+json':
        out = applyStrategicMergePatch(original, body, schema);
        break;
      default:
        throw new PatchError(400, `unknown Content-Type header for patch: ${String(type)}`);
    }
  } catch (err) {
    if (err instanceof PatchError) throw err;
    // Only pathological input gets here (e.g. nesting deep enough to exhaust the stack).
    throw badRequest(`unable to apply patch: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!isMap(out)) {
    throw unprocessable(`patch: Invalid value: ${JSON.stringify(describe(out))}: the patched document must be a JSON object`);
  }
  return out;
}
