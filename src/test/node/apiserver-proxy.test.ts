// Issue 19 on a real node: a busybox httpd pod behind a Service, reached through the API
// server's services/proxy and pods/proxy with `kubectl proxy` and `kubectl get --raw`; a POST's
// method, path and body reach the pod (a CGI script echoes them).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { eventually, KUBECTL } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

/** A CGI script answering with the method, the request URI and the body it was given. */
const ECHO_CGI = ['#!/bin/sh', 'printf "Content-Type: text/plain\\r\\n\\r\\n"', 'echo "$REQUEST_METHOD $REQUEST_URI"', 'head -c "$CONTENT_LENGTH"'];
const httpd = {
  name: 'httpd',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: [
    'sh',
    '-c',
    `mkdir -p /www/cgi-bin && echo hello-k8ts > /www/index.html && printf '%s\\n' ${ECHO_CGI.map((l) => `'${l}'`).join(' ')} > /www/cgi-bin/echo && chmod +x /www/cgi-bin/echo && exec httpd -f -v -p 80 -h /www`,
  ],
  ports: [{ containerPort: 80 }],
  readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 },
};
const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-service' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 8000, targetPort: 80 }] } };
const SVC_PATH = '/api/v1/namespaces/default/services/nginx-service:8000/proxy';
const POD_PATH = '/api/v1/namespaces/default/pods/apache:80/proxy';

describe('a real node: the API server proxy to pods and services', () => {
  let c: NodeTestCluster;
  let proxy: ChildProcess | undefined;
  let base = '';

  before(async () => {
    c = await startNodeTestCluster();
    await c.apply(podYaml('apache', { containers: [httpd] }, { labels: { app: 'web' } }));
    await c.apply(JSON.stringify(SERVICE));
    await c.waitPod('apache', (p) => p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True'), 60_000);
    // The endpoints controller has the ready pod in the Service's Endpoints.
    await eventually(async () => (await c.http('GET', '/api/v1/namespaces/default/endpoints/nginx-service')).json().subsets?.[0]?.addresses?.length === 1, 20_000, 200);
    proxy = spawn(KUBECTL, ['proxy', '--port=0'], { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dataDir } });
    let out = '';
    proxy.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const addr = await eventually(() => /Starting to serve on ([\d.]+:\d+)/.exec(out)?.[1], 20_000, 50);
    base = `http://${addr}`;
  });
  after(async () => {
    proxy?.kill('SIGTERM');
    await c?.stop();
  });

  it('kubectl proxy serves the pod\'s page through services/…/proxy/ and pods/…/proxy/', async () => {
    for (const path of [`${SVC_PATH}/`, `${POD_PATH}/`, '/api/v1/namespaces/default/services/nginx-service:http/proxy/index.html', '/api/v1/namespaces/default/pods/apache/proxy/']) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 200, path);
      assert.equal((await r.text()).trim(), 'hello-k8ts', path);
    }
  });

  it('kubectl get --raw reaches the same paths', async () => {
    for (const path of [`${SVC_PATH}/`, `${POD_PATH}/`]) {
      const r = await c.kubectl(['get', '--raw', path]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'hello-k8ts');
    }
  });

  it('a POST with a body reaches the pod with its method, path and query', async () => {
    for (const path of [SVC_PATH, POD_PATH]) {
      const r = await fetch(`${base}${path}/cgi-bin/echo?x=1`, { method: 'POST', body: 'posted through the proxy', headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 200, path);
      assert.equal(await r.text(), 'POST /cgi-bin/echo?x=1\nposted through the proxy');
    }
  });

  it('a port nothing listens on answers upstream\'s 503', async () => {
    const r = await c.http('GET', '/api/v1/namespaces/default/pods/apache:81/proxy/');
    assert.equal(r.status, 503);
    assert.match(r.json().message, /^error trying to reach service: dial tcp [\d.]+:81: connect: connection refused$/);
  });
});
