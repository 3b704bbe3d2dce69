// Issue 10, acceptance 4 and the ingress half of 6, on a real node: the ingress controller (nginx
// configured from the cluster) in front of pods: the seeds' fanout and name-based virtual hosts
// with curl --resolve, TLS from a Secret with SNI and h2, a WebSocket echoed through it, reloads
// that drop nothing in flight, and an Ingress pointing at a missing Service or Secret (Events,
// 503, the default certificate) while the others keep working. nginx listens on loopback on
// ports free for this run; the WebSocket server lives on an address this test creates.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { startIngressController, type RunningIngressController } from '../../ingress/controller.js';
import { eventually, freePort } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';

const run = promisify(execFile);

/** Serves its own name at /, /first and /second, and its CGI environment (the request headers) at /cgi-bin/env. */
const web = {
  name: 'httpd',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', [
    'mkdir -p /www/cgi-bin',
    'for f in index.html first second; do hostname > /www/$f; done',
    `printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\nenv\\n' > /www/cgi-bin/env`,
    'chmod +x /www/cgi-bin/env',
    'exec httpd -f -p 80 -h /www',
  ].join(' && ')],
  ports: [{ containerPort: 80 }],
};

const service = (name: string, selector?: Record<string, string>, port = 80, targetPort = 80) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ...(selector ? { selector } : {}), ports: [{ name: 'http', port, targetPort }] } });

const backend = (name: string, number = 80) => ({ service: { name, port: { number } } });
const prefix = (path: string, svc: string) => ({ path, pathType: 'Prefix', backend: backend(svc) });

describe('a real node: the ingress controller', () => {
  let c: NodeTestCluster;
  let ingress: RunningIngressController | undefined;
  let httpPort = 0;
  let httpsPort = 0;
  let nodeIP = '';
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  /** A veth pair of our own (deleting one end deletes both) carries the WebSocket server's address. */
  const link = `kti${tag}`;
  let wsAddress = '';
  let wsHttp: Server | undefined;
  let wss: WebSocketServer | undefined;
  let wsPort = 0;
  let caFile = '';

  /** curl through the ingress as a user would: the host name resolved to the ingress address. */
  const curl = async (url: string, extra: string[] = []): Promise<{ code: number; body: string; version: string }> => {
    const u = new URL(url);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    const { stdout } = await run('curl', ['-s', '--max-time', '10', '--resolve', `${u.hostname}:${port}:127.0.0.1`, '-w', '\n%{http_code} %{http_version}', ...extra, url]);
    const nl = stdout.lastIndexOf('\n');
    const [code, version] = stdout.slice(nl + 1).split(' ');
    return { code: Number(code), body: stdout.slice(0, nl).trim(), version: version ?? '' };
  };
  const http = (host: string, path: string) => curl(`http://${host}:${httpPort}${path}`);
  const ingressYaml = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name }, spec });
  const events = async (name: string) => (await c.http('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name},involvedObject.kind=Ingress`)}`)).json().items as any[];
  const reloads = () => ingress!.controller.nginx.reloads;

  before(async () => {
    c = await startNodeTestCluster();
    nodeIP = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json().status.addresses.find((a: any) => a.type === 'InternalIP').address;
    // The WebSocket echo (and a slow HTTP answer) on an address of our own, reached through a selector-less Service.
    wsAddress = (await unusedClusterCidr()).replace('0.0/16', '0.1');
    await run('ip', ['link', 'add', link, 'type', 'veth', 'peer', 'name', `ktj${tag}`]);
    await run('ip', ['addr', 'add', `${wsAddress}/32`, 'dev', link]);
    await run('ip', ['link', 'set', link, 'up']);
    wsHttp = createServer((req, res) => {
      const wait = req.url === '/slow' ? 1500 : 0;
      setTimeout(() => res.end(`slow done via ${req.headers.host}`), wait);
    });
    wss = new WebSocketServer({ server: wsHttp });
    wss.on('connection', (sock) => sock.on('message', (data, binary) => sock.send(binary ? data : `echo: ${data.toString()}`)));
    await new Promise<void>((resolve) => wsHttp!.listen(0, wsAddress, resolve));
    wsPort = (wsHttp.address() as AddressInfo).port;

    for (const [name, app] of [['first-a', 'first'], ['first-b', 'first'], ['second', 'second']] as const) await c.apply(podYaml(name, { containers: [web] }, { labels: { app } }));
    await c.apply(service('firstservice', { app: 'first' }));
    await c.apply(service('secondservice', { app: 'second' }));
    await c.apply(service('ws-echo', undefined, 80, wsPort));
    await c.apply(JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'ws-echo-manual', labels: { 'kubernetes.io/service-name': 'ws-echo', 'endpointslice.kubernetes.io/managed-by': 'ingress-test' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: wsPort, protocol: 'TCP' }],
      endpoints: [{ addresses: [wsAddress], conditions: { ready: true } }],
    }));
    // TLS material for secure.example.test, made here.
    const dir = c.dataDir;
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=secure.example.test', '-addext', 'subjectAltName=DNS:secure.example.test', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
    caFile = join(dir, 'tls.crt');
    const tls = await c.kubectl(['create', 'secret', 'tls', 'secure-tls', `--cert=${join(dir, 'tls.crt')}`, `--key=${join(dir, 'tls.key')}`]);
    assert.equal(tls.code, 0, tls.stderr);

    httpPort = await freePort();
    httpsPort = await freePort();
    const log = process.env['K8TS_TEST_LOG'] ? (line: string) => process.stderr.write(`[ingress] ${line}\n`) : undefined;
    ingress = await startIngressController(loadKubeconfig(c.kubeconfig), { nodeName: c.nodeName, dataDir: join(c.dataDir, 'ingress'), httpPort, httpsPort, listen: ['127.0.0.1'], workers: 1, log });

    // The seeds' fanout (extensions/v1beta1 there; the same rules in networking.k8s.io/v1).
    await c.apply(ingressYaml('test-ingress', { rules: [{ host: 'bar.foo.com', http: { paths: [prefix('/first', 'firstservice'), prefix('/second', 'secondservice')] } }] }));
    await c.apply(ingressYaml('name-virtual-host-ingress', {
      rules: [
        { host: 'first.example.test', http: { paths: [prefix('/', 'firstservice')] } },
        { host: 'second.example.test', http: { paths: [prefix('/', 'secondservice')] } },
        { host: '*.wild.example.test', http: { paths: [prefix('/', 'secondservice')] } },
        { host: 'ws.example.test', http: { paths: [prefix('/', 'ws-echo')] } },
      ],
    }));
    await c.apply(ingressYaml('tls-ingress', { tls: [{ hosts: ['secure.example.test'], secretName: 'secure-tls' }], rules: [{ host: 'secure.example.test', http: { paths: [prefix('/', 'firstservice')] } }] }));
    await eventually(async () => {
      const slices = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices')).json().items as any[];
      const ready = (svc: string) => slices.filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc).flatMap((s) => (s.endpoints ?? []).filter((e: any) => e.conditions?.ready));
      return ready('firstservice').length === 2 && ready('secondservice').length === 1;
    }, 90_000, 250);
    await eventually(async () => (await http('bar.foo.com', '/second')).body === 'second', 20_000, 200);
    // A new worker answering is not the old ones gone: until the reload in flight has retired
    // them, a connection may still reach a worker of the configuration without these Ingresses.
    await ingress.controller.synced();
  });

  after(async () => {
    await ingress?.stop();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (wsHttp ? wsHttp.close(() => resolve()) : resolve()));
    await run('ip', ['link', 'del', link]).catch(() => undefined);
    await c?.stop();
    if (ingress) {
      // nginx is gone with the controller: nothing listens on its ports any more.
      await assert.rejects(run('curl', ['-s', '--max-time', '2', `http://127.0.0.1:${httpPort}/`]));
    }
  });

  it('creates the default IngressClass k8ts, and Ingresses naming no class get it', async () => {
    const cls = (await c.http('GET', '/apis/networking.k8s.io/v1/ingressclasses/k8ts')).json();
    assert.equal(cls.spec.controller, 'k8ts.io/ingress-controller');
    assert.equal(cls.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
    const ing = (await c.http('GET', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/test-ingress')).json();
    assert.equal(ing.spec.ingressClassName, 'k8ts');
  });

  it('the seeds’ fanout: bar.foo.com/first and /second reach their Services, round-robin over the ready pods', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const r = await http('bar.foo.com', '/first');
      assert.equal(r.code, 200, r.body);
      seen.add(r.body);
    }
    assert.deepEqual([...seen].sort(), ['first-a', 'first-b']);
    assert.deepEqual(await http('bar.foo.com', '/second'), { code: 200, body: 'second', version: '1.1' });
    // Element-wise prefixes: /firstly is not /first; an unmatched path or host is the default backend's 404.
    assert.equal((await http('bar.foo.com', '/firstly')).code, 404);
    assert.equal((await http('bar.foo.com', '/')).code, 404);
    assert.equal((await http('nobody.example.test', '/first')).code, 404);
  });

  it('name-based virtual hosts, a one-label wildcard, and the X-Forwarded-* headers the pod sees', async () => {
    assert.match((await http('first.example.test', '/')).body, /^first-[ab]$/);
    assert.equal((await http('second.example.test', '/')).body, 'second');
    assert.equal((await http('x.wild.example.test', '/')).body, 'second');
    assert.equal((await http('x.y.wild.example.test', '/')).code, 404, 'a wildcard covers one DNS label');
    const env = (await curl(`http://first.example.test:${httpPort}/cgi-bin/env`, ['-H', 'X-Forwarded-For: 6.6.6.6'])).body;
    assert.match(env, /^HTTP_X_FORWARDED_FOR=127\.0\.0\.1$/m, 'a client’s own X-Forwarded-For is not trusted');
    assert.match(env, /^HTTP_X_REAL_IP=127\.0\.0\.1$/m);
    assert.match(env, /^HTTP_X_FORWARDED_PROTO=http$/m);
    assert.match(env, /^HTTP_X_FORWARDED_HOST=first\.example\.test$/m);
    assert.match(env, new RegExp(`^HTTP_X_FORWARDED_PORT=${httpPort}$`, 'm'));
  });

  it('TLS from the Secret by SNI, h2 by ALPN; other names get the default certificate', async () => {
    const r = await curl(`https://secure.example.test:${httpsPort}/`, ['--cacert', caFile, '--http2']);
    assert.equal(r.code, 200);
    assert.match(r.body, /^first-[ab]$/);
    assert.equal(r.version, '2');
    const env = (await curl(`https://secure.example.test:${httpsPort}/cgi-bin/env`, ['--cacert', caFile])).body;
    assert.match(env, /^HTTP_X_FORWARDED_PROTO=https$/m);
    const subject = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.0.1', port: httpsPort, servername: 'other.example.test', rejectUnauthorized: false }, () => {
        resolve(s.getPeerCertificate().subject.CN as string);
        s.end();
      });
      s.on('error', reject);
    });
    assert.equal(subject, 'Kubernetes Ingress Controller Fake Certificate');
  });

  it('a WebSocket is echoed through it, and survives a reload, as does a request in flight', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/chat`, { headers: { Host: 'ws.example.test' } });
    const messages: string[] = [];
    ws.on('message', (d) => messages.push(d.toString()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send('hello');
    await eventually(() => messages.includes('echo: hello'), 5000, 20);
    const slow = http('ws.example.test', '/slow');
    await new Promise((r) => setTimeout(r, 300));
    const before = reloads();
    await c.apply(ingressYaml('reload-trigger', { rules: [{ host: 'reload.example.test', http: { paths: [prefix('/', 'secondservice')] } }] }));
    await eventually(() => reloads() > before, 10_000, 20);
    ws.send('after reload');
    await eventually(() => messages.includes('echo: after reload'), 5000, 20);
    assert.deepEqual(await slow, { code: 200, body: 'slow done via ws.example.test', version: '1.1' });
    assert.equal((await eventually(async () => (await http('reload.example.test', '/')).body === 'second', 10_000, 100)), true);
    ws.close();
  });

  it('status.loadBalancer is the node address, shown as ADDRESS by kubectl get ingress', async () => {
    await eventually(async () => (await c.http('GET', '/apis/networking.k8s.io/v1/namespaces/default/ingresses/test-ingress')).json().status?.loadBalancer?.ingress?.[0]?.ip === nodeIP, 10_000, 100);
    const r = await c.kubectl(['get', 'ingress', 'test-ingress']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^test-ingress\\s+k8ts\\s+bar\\.foo\\.com\\s+${nodeIP.replace(/\./g, '\\.')}\\s+80\\s`, 'm'), r.stdout);
  });

  it('an Ingress pointing at a missing Service and Secret: Warning Events, 503 and the default certificate; the rest keeps working', async () => {
    await c.apply(ingressYaml('broken', {
      tls: [{ hosts: ['broken.example.test'], secretName: 'no-such-secret' }],
      rules: [{ host: 'broken.example.test', http: { paths: [prefix('/gone', 'no-such-service'), prefix('/second', 'secondservice')] } }],
    }));
    const reasons = await eventually(async () => {
      const found = (await events('broken')).filter((e) => e.type === 'Warning').map((e) => `${e.reason}: ${e.message}`).sort();
      return found.length >= 2 ? found : undefined;
    }, 30_000, 100);
    assert.deepEqual(reasons, [
      'SecretNotFound: TLS secret "default/no-such-secret" not found; serving the default certificate for broken.example.test',
      'ServiceNotFound: broken.example.test/gone: service "default/no-such-service" not found; answering 503',
    ]);
    await eventually(async () => (await http('broken.example.test', '/gone')).code === 503, 10_000, 100);
    // Workers of the configuration before the reload may still take a connection for a moment.
    await eventually(async () => (await http('broken.example.test', '/second')).body === 'second', 5000, 50);
    await eventually(async () => (await curl(`https://broken.example.test:${httpsPort}/second`, ['-k'])).body === 'second', 5000, 50);
    // The other Ingresses are untouched.
    assert.match((await http('bar.foo.com', '/first')).body, /^first-[ab]$/);
    assert.equal((await curl(`https://secure.example.test:${httpsPort}/`, ['--cacert', caFile])).code, 200);
    // The Service appears: the path is served, with no restart.
    await c.apply(service('no-such-service', { app: 'second' }));
    await eventually(async () => (await http('broken.example.test', '/gone')).code !== 503, 30_000, 200);
  });

  it('a Secret that is not a certificate is an Event, never a configuration nginx refuses', async () => {
    writeFileSync(join(c.dataDir, 'junk.txt'), 'not a pem');
    const s = await c.kubectl(['create', 'secret', 'generic', 'junk-tls', `--from-file=tls.crt=${join(c.dataDir, 'junk.txt')}`, `--from-file=tls.key=${join(c.dataDir, 'junk.txt')}`]);
    assert.equal(s.code, 0, s.stderr);
    await c.apply(ingressYaml('junk', { tls: [{ hosts: ['junk.example.test'], secretName: 'junk-tls' }], rules: [{ host: 'junk.example.test', http: { paths: [prefix('/', 'firstservice')] } }] }));
    await eventually(async () => (await events('junk')).some((e) => e.reason === 'InvalidSecret'), 10_000, 100);
    // The Event follows the reload signal; nginx's new workers take a moment.
    await eventually(async () => /^first-[ab]$/.test((await curl(`https://junk.example.test:${httpsPort}/`, ['-k'])).body), 10_000, 100);
    assert.equal((await curl(`https://secure.example.test:${httpsPort}/`, ['--cacert', caFile])).code, 200);
  });

  it('an nginx that exits is started again by the controller', async () => {
    const pid = Number(readFileSync(join(c.dataDir, 'ingress', 'nginx.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(() => !alive(), 10_000, 50);
    await eventually(async () => (await http('second.example.test', '/').catch(() => ({ body: '' }))).body === 'second', 20_000, 200);
    assert.notEqual(Number(readFileSync(join(c.dataDir, 'ingress', 'nginx.pid'), 'utf8')), pid);
  });
});
