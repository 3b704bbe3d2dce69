import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staleUdpFlows, udpTargets } from './conntrack.js';
import { endpoint, service, slice, stateOf } from './testing/fixtures.js';

const dns = service('dns', '10.96.0.10', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'tcp', port: 53, protocol: 'TCP' }] });
const udpSlice = (...ips: string[]) => slice('dns', ips.map((ip) => endpoint(ip)), { portName: 'dns', port: 53, protocol: 'UDP' });

describe('stale UDP flows', () => {
  it('are those to endpoints that left, and all flows to a service that just got endpoints; TCP is left alone', () => {
    const none = udpTargets(stateOf([dns], []));
    const two = udpTargets(stateOf([dns], [udpSlice('10.244.0.1', '10.244.0.2')]));
    const one = udpTargets(stateOf([dns], [udpSlice('10.244.0.2')]));
    assert.deepEqual(staleUdpFlows(none, two), [{ clusterIP: '10.96.0.10' }]);
    assert.deepEqual(staleUdpFlows(two, one), [{ clusterIP: '10.96.0.10', endpointIP: '10.244.0.1' }]);
    assert.deepEqual(staleUdpFlows(one, one), []);
    assert.equal(two.size, 1, 'only the UDP port is tracked');
  });
});
