import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Secret, Service } from '../api/core/v1/types.js';
import type { EndpointSlice } from '../api/discovery/v1/types.js';
import type { Ingress, IngressClass } from '../api/networking/v1/types.js';
import { defaultIngressClass, nodeAddresses } from './controller.js';
import { buildModel, certProblem, matchesFor, type ClusterView, type RoutingModel } from './model.js';
import { renderNginxConfig, serverName } from './nginx-config.js';

const svc = (name: string, ports = [{ name: 'http', port: 80, targetPort: 8080 }]): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { ports } as Service['spec'] });
const slice = (service: string, ips: [string, boolean][], port = 8080, name = 'http'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports: [{ name, port, protocol: 'TCP' }],
  endpoints: ips.map(([ip, ready]) => ({ addresses: [ip], conditions: { ready } })),
});
const ing = (name: string, spec: Ingress['spec'], created = '2026-01-01T00:00:00Z'): Ingress => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'default', creationTimestamp: created, uid: name }, spec });
const backend = (name: string, port: number | string = 80) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });

function view(ingresses: Ingress[], extra: { services?: Service[]; slices?: EndpointSlice[]; secrets?: Secret[]; classes?: IngressClass[] } = {}): ClusterView {
  const services = extra.services ?? [svc('firstservice'), svc('secondservice')];
  const slices = extra.slices ?? [slice('firstservice', [['10.1.0.1', true], ['10.1.0.2', true], ['10.1.0.3', false]]), slice('secondservice', [['10.1.0.9', true]])];
  return {
    ingresses,
    classes: extra.classes ?? [defaultIngressClass()],
    service: (ns, n) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
    slices: (ns, n) => slices.filter((s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === n),
    secret: (ns, n) => extra.secrets?.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
  };
}

const locations = (m: RoutingModel, host: string) => Object.fromEntries(m.servers.find((s) => s.host === host)!.locations.map((l) => [l.match, l.target]));

// The seeds' fanout, in networking.k8s.io/v1.
const fanout = ing('test-ingress', {
  rules: [{ host: 'bar.foo.com', http: { paths: [
    { path: '/first', pathType: 'Prefix', backend: backend('firstservice') },
    { path: '/second', pathType: 'Prefix', backend: backend('secondservice') },
  ] } }],
});

describe('ingress routing model', () => {
  it('fans one host out by path to each Service’s ready endpoints (element-wise prefixes)', () => {
    const m = buildModel(view([fanout]));
    assert.deepEqual(locations(m, 'bar.foo.com'), {
      '/': { status: 404 },
      '/first/': { upstream: 'default_firstservice_80' },
      '/second/': { upstream: 'default_secondservice_80' },
      '= /first': { upstream: 'default_firstservice_80' },
      '= /second': { upstream: 'default_secondservice_80' },
    });
    assert.deepEqual(m.upstreams, [
      { name: 'default_firstservice_80', servers: ['10.1.0.1:8080', '10.1.0.2:8080'] },
      { name: 'default_secondservice_80', servers: ['10.1.0.9:8080'] },
    ]);
    assert.deepEqual(locations(m, ''), { '/': { status: 404 } }, 'unmatched hosts get the default backend’s 404');
    assert.deepEqual(m.problems, new Map());
    assert.deepEqual(m.served, ['default/test-ingress']);
  });

  it('path types: Exact is exact, Prefix ignores a trailing slash, ImplementationSpecific is Prefix', () => {
    assert.deepEqual(matchesFor('/foo', 'Exact'), [{ match: '= /foo', rank: 0 }]);
    assert.deepEqual(matchesFor('/foo/', 'Prefix'), matchesFor('/foo', 'Prefix'));
    assert.deepEqual(matchesFor('/foo', 'ImplementationSpecific'), matchesFor('/foo', 'Prefix'));
    assert.deepEqual(matchesFor('/', 'Prefix'), [{ match: '/', rank: 1 }]);
  });

  it('Exact wins over Prefix on the same path, and the oldest Ingress wins a conflict', () => {
    const older = ing('older', { rules: [{ host: 'a.com', http: { paths: [{ path: '/x', pathType: 'Prefix', backend: backend('firstservice') }] } }] }, '2026-01-01T00:00:00Z');
    const newer = ing('newer', { rules: [{ host: 'a.com', http: { paths: [{ path: '/x', pathType: 'Exact', backend: backend('secondservice') }, { path: '/x', pathType: 'Prefix', backend: backend('secondservice') }] } }] }, '2026-02-01T00:00:00Z');
    const l = locations(buildModel(view([newer, older])), 'a.com');
    assert.deepEqual(l['= /x'], { upstream: 'default_secondservice_80' }, 'Exact beats the older Prefix on /x itself');
    assert.deepEqual(l['/x/'], { upstream: 'default_firstservice_80' }, 'the older Prefix keeps /x/…');
  });

  it('a named Service port, and the defaultBackend for the Ingress’s hosts and the catch-all server', () => {
    const i = ing('d', { defaultBackend: backend('secondservice', 'http'), rules: [{ host: 'a.com', http: { paths: [{ path: '/a', pathType: 'Prefix', backend: backend('firstservice') }] } }] });
    const m = buildModel(view([i]));
    assert.deepEqual(locations(m, 'a.com')['/'], { upstream: 'default_secondservice_80' });
    assert.deepEqual(locations(m, '')['/'], { upstream: 'default_secondservice_80' });
  });

  it('a missing Service answers 503 on its path with a Warning; the rest is served', () => {
    const i = ing('m', { rules: [{ host: 'a.com', http: { paths: [{ path: '/gone', pathType: 'Prefix', backend: backend('missing') }, { path: '/ok', pathType: 'Prefix', backend: backend('firstservice') }] } }] });
    const m = buildModel(view([i, fanout]));
    assert.deepEqual(locations(m, 'a.com')['/gone/'], { status: 503 });
    assert.deepEqual(locations(m, 'a.com')['/ok/'], { upstream: 'default_firstservice_80' });
    assert.deepEqual(m.problems.get('default/m'), [{ type: 'Warning', reason: 'ServiceNotFound', message: 'a.com/gone: service "default/missing" not found; answering 503' }]);
    assert.equal(m.problems.get('default/test-ingress'), undefined);
  });

  it('a Service without ready endpoints answers 503 (no empty upstream block)', () => {
    const m = buildModel(view([fanout], { slices: [slice('firstservice', [['10.1.0.3', false]])] }));
    assert.deepEqual(locations(m, 'bar.foo.com')['/first/'], { status: 503 });
    assert.deepEqual(m.upstreams, []);
  });

  it('TLS: a kubernetes.io/tls Secret serves its hosts; a missing or broken one is a Warning and the default certificate', async () => {
    const { createCa, issueCert } = await import('../util/pki.js');
    const leaf = await issueCert(await createCa('t'), { commonName: 'a.com', dnsNames: ['a.com'], usage: 'server' });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const good: Secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a-tls', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': b64(leaf.cert), 'tls.key': b64(leaf.key) } };
    const other = await issueCert(await createCa('u'), { commonName: 'x', usage: 'server' });
    const mismatched: Secret = { ...good, metadata: { name: 'bad', namespace: 'default' }, data: { 'tls.crt': b64(leaf.cert), 'tls.key': b64(other.key) } };
    assert.equal(certProblem(good), undefined);
    assert.equal(certProblem(mismatched)?.reason, 'InvalidSecret');
    const rules = (host: string) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('firstservice') }] } });
    const i = ing('t', { tls: [{ hosts: ['a.com'], secretName: 'a-tls' }, { hosts: ['b.com'], secretName: 'nope' }], rules: [rules('a.com'), rules('b.com')] });
    const m = buildModel(view([i], { secrets: [good] }));
    assert.equal(m.servers.find((s) => s.host === 'a.com')!.cert, 'default-a-tls');
    assert.equal(m.servers.find((s) => s.host === 'b.com')!.cert, undefined);
    assert.equal(m.certs.get('default-a-tls')!.cert, leaf.cert);
    assert.deepEqual(m.problems.get('default/t')!.map((p) => p.reason), ['SecretNotFound']);
  });

  it('serves only its own classes; an Ingress naming no class is ours when our class is the default', () => {
    const other = ing('other', { ingressClassName: 'nginx', rules: fanout.spec!.rules });
    const none = ing('none', { rules: [{ host: 'n.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('firstservice') }] } }] });
    assert.deepEqual(buildModel(view([other, none])).served, ['default/none']);
    const notDefault = { ...defaultIngressClass(), metadata: { name: 'k8ts' } };
    assert.deepEqual(buildModel(view([other, none], { classes: [notDefault] })).served, []);
  });

  it('renders nginx: wildcard hosts match one label, TLS servers carry their certificate, 503/404 are returns', () => {
    assert.equal(serverName('*.foo.com'), '~^[^.]+\\.foo\\.com$');
    assert.equal(serverName(''), '_');
    const m = buildModel(view([fanout]));
    const conf = renderNginxConfig(m, { prefix: '/p', listen: ['127.0.0.1'], httpPort: 8080, httpsPort: 8443, workers: 1, certPath: (id) => ({ cert: `/c/${id || '_'}.crt`, key: `/c/${id || '_'}.key` }) });
    assert.match(conf, /upstream default_firstservice_80 \{\n {4}server 10\.1\.0\.1:8080 max_fails=0;\n {4}server 10\.1\.0\.2:8080 max_fails=0;\n {4}keepalive 64;/);
    assert.match(conf, /server_name _;\n {4}listen 127\.0\.0\.1:8080 default_server;\n {4}listen 127\.0\.0\.1:8443 ssl http2 default_server;/);
    assert.match(conf, /location = \/first \{\n {6}proxy_pass http:\/\/default_firstservice_80;/);
    assert.match(conf, /server_name bar\.foo\.com;[\s\S]*location \/ \{\n {6}return 404;/);
  });

  it('status addresses are the Ready nodes’ InternalIPs', () => {
    const node = (ip: string, ready: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: ip }, status: { addresses: [{ type: 'InternalIP', address: ip }], conditions: [{ type: 'Ready', status: ready }] } }) as never;
    assert.deepEqual(nodeAddresses([node('10.0.0.2', 'True'), node('10.0.0.1', 'True'), node('10.0.0.3', 'False')]), [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]);
  });
});
