// RFC 7386 JSON merge patch: objects merge member by member, null removes a member, anything
// else (arrays included) replaces the target. Members that are new to the target are merged
// into an empty object, so nulls nested inside them vanish as the RFC requires.
import { deepClone, getOwn, isMap, setOwn, type JsonMap } from './json-value.js';

function mergeInto(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return deepClone(patch);
  const out: JsonMap = isMap(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setOwn(out, key, mergeInto(getOwn(out, key), value));
  }
  return out;
}

/** Applies a JSON merge patch to a copy of `original`; `original` itself is never changed. */
export function applyMergePatch(original: unknown, patch: unknown): unknown {
  return mergeInto(deepClone(original), patch);
}
