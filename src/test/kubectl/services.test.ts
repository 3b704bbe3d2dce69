// Service IP and NodePort allocation, seen through the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../harness.js';
import { seed } from './fixtures.js';

describe('service allocation', () => {
  let c: TestCluster;
  const run = (args: string[]) => c.kubectl(args);
  const ok = async (args: string[]) => {
    const r = await run(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  const service = (name: string, type: string, port: Record<string, unknown>, clusterIP?: string) =>
    c.file(`${name}.json`, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type, clusterIP, selector: { app: name }, ports: [{ port: 80, targetPort: 8080, ...port }] } }));
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.stop());

  it('the kubernetes service sits at 10.96.0.1 and points at the API server', async () => {
    assert.match(await ok(['get', 'svc', 'kubernetes']), /kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s+/);
    const ep = JSON.parse(await ok(['get', 'endpoints', 'kubernetes', '-o', 'json']));
    assert.equal(ep.subsets[0].ports[0].port, c.cp.port);
  });

  it('the kubernetes service has an EndpointSlice matching its Endpoints, so service proxies reach it', async () => {
    const ep = JSON.parse(await ok(['get', 'endpoints', 'kubernetes', '-o', 'json']));
    const slice = JSON.parse(await ok(['get', 'endpointslices.discovery.k8s.io', 'kubernetes', '-o', 'json']));
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
    assert.equal(slice.addressType, 'IPv4');
    assert.deepEqual(slice.endpoints.map((e: any) => [e.addresses, e.conditions.ready]), ep.subsets[0].addresses.map((a: any) => [[a.ip], true]));
    assert.deepEqual(slice.ports, [{ name: 'https', port: c.cp.port, protocol: 'TCP' }]);
    // The one slice: the EndpointSlice controllers leave a selector-less service alone.
    const all = JSON.parse(await ok(['get', 'endpointslices.discovery.k8s.io', '-l', 'kubernetes.io/service-name=kubernetes', '-o', 'json']));
    assert.deepEqual(all.items.map((s: any) => s.metadata.name), ['kubernetes']);
  });

  it('a new service gets a free cluster IP from 10.96.0.0/12, kept across updates and immutable', async () => {
    await ok(['create', '-f', seed('sampleservice.yaml')]);
    const svc = JSON.parse(await ok(['get', 'svc', 'wordpress', '-o', 'json']));
    assert.match(svc.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.notEqual(svc.spec.clusterIP, '10.96.0.1');
    assert.deepEqual(svc.spec.clusterIPs, [svc.spec.clusterIP]);
    assert.equal(svc.spec.ports[0].targetPort, 8080);
    await ok(['label', 'svc', 'wordpress', 'x=y']);
    assert.equal(JSON.parse(await ok(['get', 'svc', 'wordpress', '-o', 'json'])).spec.clusterIP, svc.spec.clusterIP);
    const r = await run(['patch', 'svc', 'wordpress', '--type', 'merge', '-p', '{"spec":{"clusterIP":"10.96.7.7","clusterIPs":["10.96.7.7"]}}']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /is invalid/);
  });

  it('a requested cluster IP already in use is refused', async () => {
    const r = await run(['create', '-f', service('dup', 'ClusterIP', {}, '10.96.0.1')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /provided IP is already allocated/);
  });

  it('NodePort services get ports from 30000-32767; duplicates are refused', async () => {
    await ok(['create', '-f', service('np1', 'NodePort', {})]);
    const np = JSON.parse(await ok(['get', 'svc', 'np1', '-o', 'json'])).spec.ports[0].nodePort;
    assert.ok(np >= 30000 && np <= 32767, String(np));
    assert.match(await ok(['get', 'svc', 'np1']), new RegExp(`np1\\s+NodePort\\s+\\S+\\s+<none>\\s+80:${np}/TCP`));
    const r = await run(['create', '-f', service('np2', 'NodePort', { nodePort: np })]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /provided port is already allocated/);
    await ok(['delete', 'svc', 'np1']);
    await ok(['create', '-f', service('np2', 'NodePort', { nodePort: np })]);
  });

  it('an externalTrafficPolicy Local LoadBalancer gets a health-check node port, kept on update and dropped with the policy', async () => {
    const lb = (name: string, policy: string, extra: Record<string, unknown> = {}) =>
      c.file(`${name}-${policy}.json`, JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type: 'LoadBalancer', externalTrafficPolicy: policy, selector: { app: name }, ports: [{ port: 80 }], ...extra } }));
    await ok(['create', '-f', lb('hc1', 'Local')]);
    const spec = JSON.parse(await ok(['get', 'svc', 'hc1', '-o', 'json'])).spec;
    assert.ok(spec.healthCheckNodePort >= 30000 && spec.healthCheckNodePort <= 32767, String(spec.healthCheckNodePort));
    assert.notEqual(spec.healthCheckNodePort, spec.ports[0].nodePort);
    await ok(['label', 'svc', 'hc1', 'x=y']);
    assert.equal(JSON.parse(await ok(['get', 'svc', 'hc1', '-o', 'json'])).spec.healthCheckNodePort, spec.healthCheckNodePort);
    const taken = await run(['create', '-f', lb('hc2', 'Local', { healthCheckNodePort: spec.healthCheckNodePort })]);
    assert.notEqual(taken.code, 0);
    assert.match(taken.stderr, /spec\.healthCheckNodePort: Invalid value: \d+: provided port is already allocated/);
    await ok(['patch', 'svc', 'hc1', '--type=merge', '-p', '{"spec":{"externalTrafficPolicy":"Cluster"}}']);
    assert.equal(JSON.parse(await ok(['get', 'svc', 'hc1', '-o', 'json'])).spec.healthCheckNodePort, undefined);
    assert.equal(JSON.parse(await ok(['get', 'svc', 'np2', '-o', 'json'])).spec.healthCheckNodePort, undefined, 'NodePort services get none');
  });
});
