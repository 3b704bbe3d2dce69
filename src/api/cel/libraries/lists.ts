// Kubernetes' CEL list library (k8s.io/apiserver/pkg/cel/library/lists.go): isSorted, sum, min,
// max, indexOf, lastIndexOf on lists of comparable values.
import { celMethod, CelScalar, isCelUint, listType, type CelFunc, type CelList, type CelValue } from '@bufbuild/cel';
import { equalValues, fail } from './common.js';

const LIST = listType(CelScalar.DYN);

/** Orders two values of one comparable CEL type; undefined when they can't be ordered. */
function compare(a: CelValue, b: CelValue): number | undefined {
  const x = isCelUint(a) ? a.value : a;
  const y = isCelUint(b) ? b.value : b;
  if ((typeof x === 'bigint' || typeof x === 'number') && (typeof y === 'bigint' || typeof y === 'number')) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return undefined;
}

function extreme(list: CelList, name: string, better: (c: number) => boolean) {
  let best: CelValue | undefined;
  for (const v of list) {
    if (best === undefined) { best = v; continue; }
    const c = compare(v, best);
    if (c === undefined) return fail(`${name}: values of the list are not comparable`);
    if (better(c)) best = v;
  }
  return best ?? fail(`${name} called on empty list`);
}

export const listsLibrary: CelFunc[] = [
  celMethod('isSorted', LIST, [], CelScalar.BOOL, function () {
    let prev: CelValue | undefined;
    for (const v of this) {
      if (prev !== undefined) {
        const c = compare(prev, v);
        if (c === undefined) return fail('isSorted: values of the list are not comparable');
        if (c > 0) return false;
      }
      prev = v;
    }
    return true;
  }),
  celMethod('sum', LIST, [], CelScalar.DYN, function () {
    let total: bigint | number | undefined;
    for (const v of this) {
      const x = isCelUint(v) ? v.value : v;
      if (typeof x !== 'bigint' && typeof x !== 'number') return fail('sum: the list must hold numbers');
      if (total === undefined) total = x;
      else if (typeof total !== typeof x) return fail('sum: the list must hold numbers of one type');
      else total = (total as number) + (x as number);
    }
    return total ?? 0n;
  }),
  celMethod('min', LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'min', (c) => c < 0);
  }),
  celMethod('max', LIST, [], CelScalar.DYN, function () {
    return extreme(this, 'max', (c) => c > 0);
  }),
  celMethod('indexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    let i = 0n;
    for (const v of this) {
      if (equalValues(v, x)) return i;
      i++;
    }
    return -1n;
  }),
  celMethod('lastIndexOf', LIST, [CelScalar.DYN], CelScalar.INT, function (x) {
    let found = -1n;
    let i = 0n;
    for (const v of this) {
      if (equalValues(v, x)) found = i;
      i++;
    }
    return found;
  }),
];
