import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Service } from '../../api/core/v1/types.js';
import type { EndpointSlice } from '../../api/discovery/v1/types.js';
import { defaultIngressClass } from '../controller.js';
import { buildModel } from '../model.js';
import { renderNginxConfig, type NginxLayout } from '../nginx-config.js';
import { gatewayApiCrds } from './crds.js';
import { buildGatewayModel, effectiveHostnames, GATEWAY_CONTROLLER_NAME, type GatewayView } from './model.js';
import { withTransitionTimes } from './status.js';
import type { Gateway, GatewayClass, HTTPRoute, ReferenceGrant } from './types.js';

const run = promisify(execFile);

const svc = (name: string, ns = 'default'): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } as Service['spec'] });
const slice = (service: string, ips: string[], ns = 'default'): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: `${service}-x`, namespace: ns, labels: { 'kubernetes.io/service-name': service } },
  addressType: 'IPv4',
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
});
const gwClass: GatewayClass = { metadata: { name: 'k8ts', generation: 1 }, spec: { controllerName: GATEWAY_CONTROLLER_NAME } };
const otherClass: GatewayClass = { metadata: { name: 'other', generation: 1 }, spec: { controllerName: 'example.com/other' } };
const gateway = (listeners: Gateway['spec'] extends infer S ? (S extends { listeners: infer L } ? L : never) : never, name = 'gw', className = 'k8ts'): Gateway => ({
  metadata: { name, namespace: 'default', generation: 2 },
  spec: { gatewayClassName: className, listeners },
});
const route = (name: string, spec: NonNullable<HTTPRoute['spec']>, ns = 'default', created = '2026-01-01T00:00:00Z'): HTTPRoute => ({ metadata: { name, namespace: ns, generation: 3, creationTimestamp: created }, spec });

function view(extra: Partial<GatewayView> = {}): GatewayView {
  const services = [svc('v1'), svc('v2'), svc('far', 'other')];
  const slices = [slice('v1', ['10.1.0.1', '10.1.0.2']), slice('v2', ['10.2.0.1']), slice('far', ['10.3.0.1'], 'other')];
  return {
    classes: [gwClass, otherClass],
    gateways: [gateway([{ name: 'http', port: 80, protocol: 'HTTP' }])],
    httpRoutes: [],
    grpcRoutes: [],
    grants: [],
    namespaceLabels: (n) => ({ 'kubernetes.io/metadata.name': n, ...(n === 'team' ? { team: 'yes' } : {}) }),
    service: (ns, n) => services.find((s) => s.metadata.namespace === ns && s.metadata.name === n),
    slices: (ns, n) => slices.filter((s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === n),
    addresses: ['192.0.2.10'],
    ...extra,
  };
}

const split = route('split', {
  parentRefs: [{ name: 'gw' }],
  hostnames: ['shop.example.com'],
  rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/shop' } }], backendRefs: [{ name: 'v1', port: 80, weight: 90 }, { name: 'v2', port: 80, weight: 10 }] }],
});

const conditions = (m: ReturnType<typeof buildGatewayModel>, key: string) => m.httpRouteParents.get(key)![0]!.conditions.map((c) => [c.type, c.status, c.reason]);

describe('gateway model', () => {
  it('accepts our GatewayClass and Gateway, with the node addresses and the listener’s attached routes', () => {
    const m = buildGatewayModel(view({ httpRoutes: [split] }));
    assert.deepEqual([...m.classStatus.keys()], ['k8ts'], 'only classes naming our controller');
    assert.deepEqual(m.classStatus.get('k8ts')!.conditions.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [['Accepted', 'True', 'Accepted', 1]]);
    const g = m.gatewayStatus.get('default/gw')!;
    assert.deepEqual(g.addresses, [{ type: 'IPAddress', value: '192.0.2.10' }]);
    assert.deepEqual(g.conditions!.map((c) => [c.type, c.status, c.reason]), [['Accepted', 'True', 'Accepted'], ['Programmed', 'True', 'Programmed']]);
    assert.equal(g.listeners![0]!.attachedRoutes, 1);
    assert.deepEqual(g.listeners![0]!.supportedKinds, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' }]);
    assert.deepEqual(conditions(m, 'default/split'), [['Accepted', 'True', 'Accepted'], ['ResolvedRefs', 'True', 'ResolvedRefs']]);
  });

  it('turns a path match with a 90/10 split into a rule with weighted endpoint upstreams', () => {
    const m = buildGatewayModel(view({ httpRoutes: [split] }));
    assert.equal(m.servers.length, 1);
    const s = m.servers[0]!;
    assert.equal(s.port, 80);
    assert.equal(s.host, 'shop.example.com');
    assert.deepEqual(s.rules[0]!.tests, [{ on: 'path', type: 'PathPrefix', value: '/shop' }]);
    assert.deepEqual(s.rules[0]!.action.backends, [{ target: { upstream: 'default_v1_80' }, weight: 90 }, { target: { upstream: 'default_v2_80' }, weight: 10 }]);
    assert.deepEqual(m.upstreams.map((u) => [u.name, u.servers]), [['default_v1_80', ['10.1.0.1:8080', '10.1.0.2:8080']], ['default_v2_80', ['10.2.0.1:8080']]]);
  });

  it('orders rules by the spec’s precedence: Exact, then the longest prefix, then method, headers and query matches, then age', () => {
    const r = route('many', {
      parentRefs: [{ name: 'gw' }],
      rules: [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: 'v1', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/a' }, headers: [{ name: 'X-Env', value: 'canary' }] }], backendRefs: [{ name: 'v2', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/a' } }], backendRefs: [{ name: 'v1', port: 80 }] },
        { matches: [{ path: { type: 'Exact', value: '/a' } }], backendRefs: [{ name: 'v1', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/a/b/' }, method: 'POST' }], backendRefs: [{ name: 'v1', port: 80 }] },
      ],
    });
    const m = buildGatewayModel(view({ httpRoutes: [r] }));
    assert.deepEqual(
      m.servers[0]!.rules.map((x) => x.tests),
      [
        [{ on: 'path', type: 'Exact', value: '/a' }],
        [{ on: 'path', type: 'PathPrefix', value: '/a/b' }, { on: 'method', value: 'POST' }],
        [{ on: 'path', type: 'PathPrefix', value: '/a' }, { on: 'header', name: 'x-env', type: 'Exact', value: 'canary' }],
        [{ on: 'path', type: 'PathPrefix', value: '/a' }],
        [],
      ],
    );
  });

  it('reports BackendNotFound, RefNotPermitted (until a ReferenceGrant allows it) and InvalidKind in ResolvedRefs', () => {
    const missing = route('missing', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'nope', port: 80 }] }] });
    const far = route('far', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'far', namespace: 'other', port: 80 }] }] });
    const kind = route('kind', { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'x', group: 'example.com', kind: 'Bucket' }] }] });
    const m = buildGatewayModel(view({ httpRoutes: [missing, far, kind] }));
    assert.deepEqual(conditions(m, 'default/missing')[1], ['ResolvedRefs', 'False', 'BackendNotFound']);
    assert.deepEqual(conditions(m, 'default/far')[1], ['ResolvedRefs', 'False', 'RefNotPermitted']);
    assert.deepEqual(conditions(m, 'default/kind')[1], ['ResolvedRefs', 'False', 'InvalidKind']);
    assert.deepEqual(conditions(m, 'default/missing')[0], ['Accepted', 'True', 'Accepted'], 'a bad backend is still an accepted route (it answers 500)');
    assert.deepEqual(m.servers[0]!.rules.find((r) => r.action.from === 'default/missing')!.action.backends, [{ target: { status: 500 }, weight: 1 }]);
    const grant: ReferenceGrant = { metadata: { name: 'g', namespace: 'other' }, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } };
    const granted = buildGatewayModel(view({ httpRoutes: [far], grants: [grant] }));
    assert.deepEqual(conditions(granted, 'default/far')[1], ['ResolvedRefs', 'True', 'ResolvedRefs']);
  });

  it('attaches only where listeners allow: namespaces, sectionName, hostnames; other controllers’ Gateways are left alone', () => {
    const gw = gateway([
      { name: 'same', port: 80, protocol: 'HTTP', hostname: '*.example.com' },
      { name: 'team', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'yes' } } } } },
      { name: 'tls', port: 443, protocol: 'HTTPS' },
    ]);
    const fromTeam = route('t', { parentRefs: [{ name: 'gw', namespace: 'default' }], rules: [{ backendRefs: [{ name: 'v1', port: 80 }] }] }, 'team');
    const fromElsewhere = route('e', { parentRefs: [{ name: 'gw', namespace: 'default' }] }, 'elsewhere');
    const wrongHost = route('h', { parentRefs: [{ name: 'gw', sectionName: 'same' }], hostnames: ['shop.example.org'] });
    const noSection = route('s', { parentRefs: [{ name: 'gw', sectionName: 'nope' }] });
    const foreign = route('f', { parentRefs: [{ name: 'theirs' }] });
    const m = buildGatewayModel(view({ gateways: [gw, gateway([{ name: 'x', port: 80, protocol: 'HTTP' }], 'theirs', 'other')], httpRoutes: [fromTeam, fromElsewhere, wrongHost, noSection, foreign] }));
    assert.deepEqual(conditions(m, 'team/t')[0], ['Accepted', 'True', 'Accepted']);
    assert.deepEqual(m.servers.map((s) => [s.port, s.host]), [[8080, '']], 'the team route on the 8080 listener only');
    assert.deepEqual(conditions(m, 'elsewhere/e')[0], ['Accepted', 'False', 'NotAllowedByListeners']);
    assert.deepEqual(conditions(m, 'default/h')[0], ['Accepted', 'False', 'NoMatchingListenerHostname']);
    assert.deepEqual(conditions(m, 'default/s')[0], ['Accepted', 'False', 'NoMatchingParent']);
    assert.equal(m.httpRouteParents.has('default/f'), false);
    const tls = m.gatewayStatus.get('default/gw')!.listeners!.find((l) => l.name === 'tls')!;
    assert.deepEqual(tls.conditions.slice(0, 2).map((c) => [c.type, c.status, c.reason]), [['Accepted', 'False', 'UnsupportedProtocol'], ['Programmed', 'False', 'Invalid']]);
    assert.equal(m.gatewayStatus.get('default/gw')!.conditions![0]!.reason, 'ListenersNotValid');
  });

  it('intersects listener and route hostnames as the spec does (wildcards span one or more labels)', () => {
    assert.deepEqual(effectiveHostnames(undefined, undefined), ['']);
    assert.deepEqual(effectiveHostnames('*.example.com', undefined), ['*.example.com']);
    assert.deepEqual(effectiveHostnames('*.example.com', ['a.b.example.com', 'example.com', 'x.org']), ['a.b.example.com']);
    assert.deepEqual(effectiveHostnames('foo.example.com', ['*.example.com']), ['foo.example.com']);
    assert.deepEqual(effectiveHostnames(undefined, ['a.com']), ['a.com']);
  });

  it('refuses filters it cannot serve with Accepted False UnsupportedValue', () => {
    const r = route('mirror', { parentRefs: [{ name: 'gw' }], rules: [{ filters: [{ type: 'RequestMirror' }], backendRefs: [{ name: 'v1', port: 80 }] }] });
    const m = buildGatewayModel(view({ httpRoutes: [r] }));
    assert.deepEqual(conditions(m, 'default/mirror')[0], ['Accepted', 'False', 'UnsupportedValue']);
    assert.equal(m.servers.length, 0);
  });

  it('keeps a condition’s lastTransitionTime while its status stays', () => {
    const want = [{ type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: 'm' }];
    assert.equal(withTransitionTimes(want, [{ ...want[0]!, lastTransitionTime: '2026-01-01T00:00:00Z' }], 'now')[0]!.lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(withTransitionTimes(want, [{ ...want[0]!, status: 'False', lastTransitionTime: '2026-01-01T00:00:00Z' }], 'now')[0]!.lastTransitionTime, 'now');
  });
});

describe('gateway rendering', () => {
  const layout = (prefix: string): NginxLayout => ({ prefix, listen: ['127.0.0.1'], httpPort: 18080, httpsPort: 18443, workers: 1, certPath: (id) => ({ cert: join(prefix, `${id || '_'}.crt`), key: join(prefix, `${id || '_'}.key`) }) });
  const filters = route('filters', {
    parentRefs: [{ name: 'gw' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ name: 'X-Version', value: 'v2.1' }], queryParams: [{ name: 'debug', type: 'RegularExpression', value: '1|true' }] }],
        filters: [
          { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-From', value: 'gateway' }], add: [{ name: 'X-Tag', value: 'a' }], remove: ['X-Drop'] } },
          { type: 'ResponseHeaderModifier', responseHeaderModifier: { add: [{ name: 'X-Served-By', value: 'k8ts' }] } },
          { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
        ],
        backendRefs: [{ name: 'v1', port: 80 }],
      },
      { matches: [{ path: { type: 'Exact', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 301 } }] },
      { matches: [{ path: { type: 'RegularExpression', value: '/item/[0-9]+' } }], backendRefs: [{ name: 'nope', port: 80 }] },
    ],
  });

  it('renders the dispatch, the actions, the splits and the header maps', () => {
    const gw = buildGatewayModel(view({ httpRoutes: [split, filters] }));
    const conf = renderNginxConfig(buildModel({ ingresses: [], classes: [defaultIngressClass()], service: () => undefined, slices: () => [], secret: () => undefined }), layout('/p'), gw);
    assert.match(conf, /split_clients "\$\{request_id\}" \$k8ts_split_1 \{\n {4}90\.00% default_v1_80;\n {4}\* default_v2_80;/);
    assert.match(conf, /server_name shop\.example\.com;/);
    assert.match(conf, /if \(\$uri ~ "\^\\\/shop\(\/\|\$\)"\)/);
    assert.match(conf, /if \(\$http_x_version ~ "\^v2\\\.1\$"\)/);
    assert.match(conf, /if \(\$arg_debug ~ "\^\(\?:1\|true\)\$"\)/);
    assert.match(conf, /proxy_set_header X-From "gateway";/);
    assert.match(conf, /proxy_set_header X-Drop "";/);
    assert.match(conf, /map \$http_x_tag \$k8ts_add_\d+_0 \{\n {4}"" "a";\n {4}default "\$http_x_tag,a";/);
    assert.match(conf, /add_header X-Served-By "k8ts" always;/);
    assert.match(conf, /set \$k8ts_path "\/v2\$1";/);
    assert.match(conf, /return 301 "\$scheme:\/\/\$host\$k8ts_path\$is_args\$args";/);
    assert.match(conf, /location \^~ \/_k8ts_gw\/\d+\/ \{\n {6}internal;\n {6}return 500;/, 'the missing backend answers 500');
    // The catch-all server had only the Ingress 404: the routes without hostnames answer there.
    assert.match(conf, /server_name _;[\s\S]*?rewrite \^ \/_k8ts_gw\/\$k8ts_gw\$uri last;/);
  });

  it('is a configuration nginx accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-gw-conf-'));
    try {
      const { createCa, issueCert } = await import('../../util/pki.js');
      const leaf = await issueCert(await createCa('t'), { commonName: 'x', usage: 'server' });
      writeFileSync(join(dir, '_.crt'), leaf.cert);
      writeFileSync(join(dir, '_.key'), leaf.key);
      const gw = buildGatewayModel(view({ httpRoutes: [split, filters], gateways: [gateway([{ name: 'http', port: 80, protocol: 'HTTP' }, { name: 'alt', port: 18081, protocol: 'HTTP', hostname: '*.example.com' }])] }));
      const conf = renderNginxConfig(buildModel({ ingresses: [], classes: [], service: () => undefined, slices: () => [], secret: () => undefined }), layout(dir), gw);
      for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) await run('mkdir', ['-p', join(dir, 'tmp', d)]);
      writeFileSync(join(dir, 'nginx.conf'), conf);
      await run('/usr/sbin/nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships the five standard-channel CRDs, with the defaults the controller relies on', () => {
    const crds = gatewayApiCrds() as any[];
    assert.deepEqual(crds.map((c) => c.metadata.name), ['gatewayclasses.gateway.networking.k8s.io', 'gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'grpcroutes.gateway.networking.k8s.io', 'referencegrants.gateway.networking.k8s.io']);
    const rule = crds[2].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.rules.items.properties;
    assert.equal(rule.backendRefs.items.properties.weight.default, 1);
    assert.deepEqual(rule.matches.items.properties.path.default, { type: 'PathPrefix', value: '/' });
  });
});
