// Kubernetes' CEL quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go). A quantity
// value is carried as its canonical string, so its methods are string methods.
import { celFunc, celMethod, CelScalar } from '@bufbuild/cel';
import { fail } from './common.js';
import type { CelFunc } from '@bufbuild/cel';
import { isQuantity, parseQuantity, Quantity } from '../../quantity/index.js';

function parse(s: string): Quantity | undefined {
  try {
    return parseQuantity(s);
  } catch {
    return undefined;
  }
}

function withQuantity<T>(s: string, f: (q: Quantity) => T): T {
  const q = parse(s);
  return q ? f(q) : fail(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${s}`);
}

function binary(name: string, op: (a: Quantity, b: Quantity) => Quantity): CelFunc[] {
  return [
    celMethod(name, CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, function (other) {
      return withQuantity(this, (a) => withQuantity(other, (b) => op(a, b).toString()));
    }),
    celMethod(name, CelScalar.STRING, [CelScalar.INT], CelScalar.STRING, function (other) {
      return withQuantity(this, (a) => op(a, Quantity.fromInt(other)).toString());
    }),
  ];
}

function comparison(name: string, test: (c: number) => boolean): CelFunc {
  return celMethod(name, CelScalar.STRING, [CelScalar.STRING], CelScalar.BOOL, function (other) {
    return withQuantity(this, (a) => withQuantity(other, (b) => test(a.cmp(b))));
  });
}

export const quantityLibrary: CelFunc[] = [
  celFunc('quantity', [CelScalar.STRING], CelScalar.STRING, (s) => withQuantity(s, (q) => q.toString())),
  celFunc('isQuantity', [CelScalar.STRING], CelScalar.BOOL, (s) => isQuantity(s)),
  celMethod('sign', CelScalar.STRING, [], CelScalar.INT, function () {
    return withQuantity(this, (q) => BigInt(q.sign()));
  }),
  celMethod('isInteger', CelScalar.STRING, [], CelScalar.BOOL, function () {
    return withQuantity(this, (q) => q.cmp(Quantity.fromInt(q.scaledBigValue(0))) === 0);
  }),
  celMethod('asInteger', CelScalar.STRING, [], CelScalar.INT, function () {
    return withQuantity(this, (q) => {
      const v = q.scaledBigValue(0);
      if (q.cmp(Quantity.fromInt(v)) !== 0) return fail('cannot convert value to integer');
      if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return fail('cannot convert value to integer');
      return v;
    });
  }),
  celMethod('asApproximateFloat', CelScalar.STRING, [], CelScalar.DOUBLE, function () {
    return withQuantity(this, (q) => q.asApproximateFloat64());
  }),
  ...binary('add', (a, b) => a.add(b)),
  ...binary('sub', (a, b) => a.sub(b)),
  comparison('isGreaterThan', (c) => c > 0),
  comparison('isLessThan', (c) => c < 0),
  celMethod('compareTo', CelScalar.STRING, [CelScalar.STRING], CelScalar.INT, function (other) {
    return withQuantity(this, (a) => withQuantity(other, (b) => BigInt(a.cmp(b))));
  }),
];
