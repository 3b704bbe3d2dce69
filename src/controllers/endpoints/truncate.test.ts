import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointSubset } from '../../api/core/v1/types.js';
import { truncateSubsets } from './truncate.js';

const addrs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${i}` }));

describe('Endpoints truncation', () => {
  it('leaves subsets within capacity alone', () => {
    const s: EndpointSubset[] = [{ addresses: addrs('10.0.0', 3), notReadyAddresses: addrs('10.0.1', 2) }];
    assert.equal(truncateSubsets(s, 5), false);
    assert.equal(s[0]!.addresses!.length + s[0]!.notReadyAddresses!.length, 5);
  });
  it('drops not-ready addresses first, proportionally', () => {
    const s: EndpointSubset[] = [
      { addresses: addrs('10.0.0', 4), notReadyAddresses: addrs('10.0.1', 6) },
      { addresses: addrs('10.0.2', 2), notReadyAddresses: addrs('10.0.3', 2) },
    ];
    assert.equal(truncateSubsets(s, 10), true);
    assert.deepEqual(s.map((x) => [x.addresses!.length, x.notReadyAddresses!.length]), [[4, 3], [2, 1]]);
  });
  it('truncates ready addresses and drops all not-ready ones when the ready alone overflow', () => {
    const s: EndpointSubset[] = [{ addresses: addrs('10.0.0', 8), notReadyAddresses: addrs('10.0.1', 1) }, { addresses: addrs('10.0.2', 4) }];
    assert.equal(truncateSubsets(s, 6), true);
    assert.deepEqual(s.map((x) => [x.addresses!.length, x.notReadyAddresses?.length ?? 0]), [[4, 0], [2, 0]]);
  });
});
