// Kubernetes' CEL regex library (k8s.io/apiserver/pkg/cel/library/regex.go): find and findAll.
// Patterns are RE2 in Kubernetes; JavaScript's engine (unicode mode) accepts the RE2 syntax that
// policies use, and a pattern it refuses is a CEL error, never a crash.
import { celMethod, CelScalar, listType } from '@bufbuild/cel';
import { fail } from './common.js';
import type { CelFunc } from '@bufbuild/cel';

const compiled = new Map<string, RegExp>();
const MAX_CACHED = 256;

function regexp(pattern: string): RegExp | Error {
  let re = compiled.get(pattern);
  if (!re) {
    try {
      re = new RegExp(pattern, 'gu');
    } catch (err) {
      return err as Error;
    }
    if (compiled.size >= MAX_CACHED) compiled.clear();
    compiled.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

function findAll(text: string, pattern: string, limit: bigint): string[] {
  const re = regexp(pattern);
  if (re instanceof Error) return fail(`error parsing regexp: ${re.message}`);
  const out: string[] = [];
  if (limit === 0n) return out;
  for (const m of text.matchAll(re)) {
    out.push(m[0]);
    if (limit > 0n && BigInt(out.length) >= limit) break;
  }
  return out;
}

export const regexLibrary: CelFunc[] = [
  celMethod('find', CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (pattern) {
    return findAll(this, pattern, 1n)[0] ?? '';
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING], listType(CelScalar.STRING), function (pattern) {
    return findAll(this, pattern, -1n);
  }),
  celMethod('findAll', CelScalar.STRING, [CelScalar.STRING, CelScalar.INT], listType(CelScalar.STRING), function (pattern, limit) {
    return findAll(this, pattern, limit);
  }),
];
