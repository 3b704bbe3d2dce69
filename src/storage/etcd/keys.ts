// etcd keys are bytes; the store's are strings. A prefix becomes etcd's [key, range_end) range.

/** The smallest key greater than every key starting with `prefix` (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff (or empty): no upper bound. "\0" as range_end means "every key >= key" to etcd.
  return Buffer.from([0]);
}

/** The etcd range of every key under `prefix`; the empty prefix is the whole keyspace. */
export function prefixRange(prefix: string): { key: Buffer; rangeEnd: Buffer } {
  if (prefix === '') return { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) };
  const key = Buffer.from(prefix, 'utf8');
  return { key, rangeEnd: prefixEnd(key) };
}
