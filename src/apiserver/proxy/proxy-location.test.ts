// Where the proxy subresources go, and how they fail, as upstream's ResourceLocation functions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Endpoints, Service } from '../../api/core/v1/types.js';
import { ApiError, errors } from '../errors.js';
import { proxyPrefix, requestTarget, rewriteLocation } from './http-proxy.js';
import { isGlobalUnicast, nodeLocation, nodeProxyId, podLocation, podProxyId, serviceLocation, splitSchemeNamePort, type ServiceLookups } from './proxy-location.js';

function pod(name: string, ip: string | undefined, ports: number[] = []): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'sidecar', image: 'x' }, { name: 'app', image: 'x', ports: ports.map((containerPort) => ({ containerPort })) }] },
    status: ip ? { podIP: ip, podIPs: [{ ip }] } : {},
  } as Pod;
}

async function rejects(p: Promise<unknown>, code: number, message: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApiError, String(err));
    assert.deepEqual([err.code, err.message], [code, message]);
    return true;
  });
}

describe('proxy ids', () => {
  test('[scheme:]name[:port], as utilnet.SplitSchemeNamePort', () => {
    assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
    assert.deepEqual(splitSchemeNamePort('web:8080'), { scheme: '', name: 'web', port: '8080' });
    assert.deepEqual(splitSchemeNamePort('https:kubernetes-dashboard:'), { scheme: 'https', name: 'kubernetes-dashboard', port: '' });
    assert.deepEqual(splitSchemeNamePort('http:web:http-alt'), { scheme: 'http', name: 'web', port: 'http-alt' });
    // Two parts are always name:port, whatever they say.
    assert.deepEqual(splitSchemeNamePort('https:web'), { scheme: '', name: 'https', port: 'web' });
    assert.equal(splitSchemeNamePort('ftp:web:21'), undefined);
    assert.equal(splitSchemeNamePort(':80'), undefined);
    assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
    assert.throws(() => podProxyId('a:b:c:d'), /invalid pod request "a:b:c:d"/);
    assert.throws(() => nodeProxyId('ftp:n:1'), /invalid node request "ftp:n:1"/);
  });

  test('global unicast addresses only (private ranges count)', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '192.0.2.2', '8.8.8.8', 'fd00::1', '2001:db8::1']) assert.ok(isGlobalUnicast(ip), ip);
    for (const ip of ['127.0.0.1', '0.0.0.0', '169.254.1.1', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '', 'nope']) assert.ok(!isGlobalUnicast(ip), ip);
  });
});

describe('pod location', () => {
  test('the pod IP at the port given, else the first container port declared, else none', () => {
    assert.deepEqual(podLocation(pod('a', '10.0.0.5', [8080, 9090]), podProxyId('a:81')), { scheme: 'http', host: '10.0.0.5', port: '81' });
    assert.deepEqual(podLocation(pod('a', '10.0.0.5', [8080, 9090]), podProxyId('a')), { scheme: 'http', host: '10.0.0.5', port: '8080' });
    assert.deepEqual(podLocation(pod('a', '10.0.0.5'), podProxyId('https:a:')), { scheme: 'https', host: '10.0.0.5', port: undefined });
    assert.deepEqual(podLocation(pod('a', 'fd00::5', [80]), podProxyId('a')), { scheme: 'http', host: 'fd00::5', port: '80' });
  });

  test('a pod without an IP, or at loopback, is refused', () => {
    assert.throws(() => podLocation(pod('a', undefined, [80]), podProxyId('a')), (e: unknown) => e instanceof ApiError && e.code === 400 && e.message === 'address not allowed');
    assert.throws(() => podLocation(pod('a', '127.0.0.1', [80]), podProxyId('a')), /address not allowed/);
  });
});

describe('service location', () => {
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { ports: [{ name: 'http', port: 8000, targetPort: 80, protocol: 'TCP' }, { name: 'admin', port: 9000, targetPort: 9, protocol: 'TCP' }] } } as Service;
  const ref = (name: string, namespace = 'default') => ({ kind: 'Pod', namespace, name });
  const endpoints = (subsets: Endpoints['subsets']): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'default' }, subsets });
  const pods = new Map([
    ['p1', pod('p1', '10.0.0.1')],
    ['p2', pod('p2', '10.0.0.2')],
  ]);
  const lookups = (eps: Endpoints | undefined, service: Service | null = svc): ServiceLookups => ({
    service: async (name) => service ?? Promise.reject(errors.notFound({ group: '', resource: 'services' }, name)),
    endpoints: async (name) => eps ?? Promise.reject(errors.notFound({ group: '', resource: 'endpoints' }, name)),
    pod: async (name) => pods.get(name),
  });
  const ready = endpoints([{ addresses: [{ ip: '10.0.0.1', targetRef: ref('p1') }, { ip: '10.0.0.2', targetRef: ref('p2') }], ports: [{ name: 'http', port: 80 }, { name: 'admin', port: 9 }] }]);
  const first = () => 0;

  test('a port name or number of the Service picks that port of a ready endpoint', async () => {
    assert.deepEqual(await serviceLocation('web:http', 'default', lookups(ready), first), { scheme: 'http', host: '10.0.0.1', port: '80' });
    assert.deepEqual(await serviceLocation('web:9000', 'default', lookups(ready), first), { scheme: 'http', host: '10.0.0.1', port: '9' });
    assert.deepEqual(await serviceLocation('https:web:admin', 'default', lookups(ready), (n) => n - 1), { scheme: 'https', host: '10.0.0.2', port: '9' });
  });

  test('the endpoint is picked at random among the ready addresses', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) seen.add((await serviceLocation('web:http', 'default', lookups(ready))).host);
    assert.deepEqual([...seen].sort(), ['10.0.0.1', '10.0.0.2']);
  });

  test('no port given: the unnamed port (a one-port Service)', async () => {
    const eps = endpoints([{ addresses: [{ ip: '10.0.0.2', targetRef: ref('p2') }], ports: [{ port: 8443 }] }]);
    assert.deepEqual(await serviceLocation('https:web:', 'default', lookups(eps), first), { scheme: 'https', host: '10.0.0.2', port: '8443' });
  });

  test('addresses that are not this namespace\'s pods at their own IP are skipped', async () => {
    const eps = endpoints([
      {
        addresses: [{ ip: '10.0.0.9' }, { ip: '10.0.0.1', targetRef: ref('p1', 'other') }, { ip: '10.0.0.3', targetRef: ref('p2') }, { ip: '10.0.0.4', targetRef: ref('gone') }, { ip: '10.0.0.2', targetRef: ref('p2') }],
        ports: [{ name: 'http', port: 80 }],
      },
    ]);
    assert.deepEqual(await serviceLocation('web:http', 'default', lookups(eps), first), { scheme: 'http', host: '10.0.0.2', port: '80' });
  });

  test('errors: a missing Service or Endpoints, no endpoints, an unknown port', async () => {
    await rejects(serviceLocation('web:8000', 'default', lookups(ready, null)), 404, 'services "web" not found');
    await rejects(serviceLocation('web:http', 'default', lookups(undefined)), 404, 'endpoints "web" not found');
    await rejects(serviceLocation('web:http', 'default', lookups(endpoints([]))), 503, 'no endpoints available for service "web"');
    await rejects(serviceLocation('web:1234', 'default', lookups(ready)), 503, 'no service port 1234 found for service "web"');
    // A port name the endpoints do not carry, or only not-ready addresses: the id is named.
    await rejects(serviceLocation('web:nope', 'default', lookups(ready)), 503, 'no endpoints available for service "web:nope"');
    const notReady = endpoints([{ notReadyAddresses: [{ ip: '10.0.0.1', targetRef: ref('p1') }], ports: [{ name: 'http', port: 80 }] }]);
    await rejects(serviceLocation('web:http', 'default', lookups(notReady)), 503, 'no endpoints available for service "web:http"');
    await rejects(serviceLocation('a:b:c:d', 'default', lookups(ready)), 400, 'invalid service request "a:b:c:d"');
  });
});

describe('node location', () => {
  const kubelet = { host: '192.0.2.10', port: 10250 };
  const cert = { key: 'k', cert: 'c' };
  test('the kubelet port (or none) is the kubelet over TLS with our certificate; another port is plain, as asked', () => {
    assert.deepEqual(nodeLocation(kubelet, nodeProxyId('n'), cert), { scheme: 'https', host: '192.0.2.10', port: '10250', clientCert: cert });
    assert.deepEqual(nodeLocation(kubelet, nodeProxyId('https:n:10250'), cert), { scheme: 'https', host: '192.0.2.10', port: '10250', clientCert: cert });
    assert.deepEqual(nodeLocation(kubelet, nodeProxyId('n:9100'), cert), { scheme: 'http', host: '192.0.2.10', port: '9100' });
    assert.deepEqual(nodeLocation(kubelet, nodeProxyId('https:n:9100'), cert), { scheme: 'https', host: '192.0.2.10', port: '9100' });
  });
});

describe('the relay\'s paths', () => {
  test('request target and proxy prefix', () => {
    assert.deepEqual(requestTarget('/api/v1/namespaces/d/pods/p/proxy/a%2Fb?x=1&y'), { pathname: '/api/v1/namespaces/d/pods/p/proxy/a%2Fb', rawQuery: 'x=1&y' });
    assert.equal(proxyPrefix('/api/v1/namespaces/d/pods/p/proxy/a/b/', '/a/b/'), '/api/v1/namespaces/d/pods/p/proxy');
    assert.equal(proxyPrefix('/api/v1/namespaces/d/pods/p/proxy/', '/'), '/api/v1/namespaces/d/pods/p/proxy');
    assert.equal(proxyPrefix('/api/v1/namespaces/d/pods/p/proxy', undefined), '/api/v1/namespaces/d/pods/p/proxy');
  });

  test('Location headers on the backend go through the proxy; other hosts and relative ones are left', () => {
    const prefix = '/api/v1/namespaces/d/services/web:80/proxy';
    const rw = (loc: string) => rewriteLocation(loc, '10.0.0.1:80', '127.0.0.1:8001', prefix);
    assert.equal(rw('/login?next=%2F'), `${prefix}/login?next=%2F`);
    assert.equal(rw('http://10.0.0.1:80/dir/'), `${prefix}/dir/`);
    assert.equal(rw('http://127.0.0.1:8001/x'), `http://127.0.0.1:8001${prefix}/x`);
    assert.equal(rw(`${prefix}/already`), `${prefix}/already`);
    assert.equal(rw('https://example.com/elsewhere'), 'https://example.com/elsewhere');
    assert.equal(rw('relative/page'), 'relative/page');
  });
});
