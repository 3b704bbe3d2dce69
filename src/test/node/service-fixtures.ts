// What the real-node service tests share: pods that answer with their own name, a one-shot GET,
// and the check that a deleted endpoint leaves a service's rotation in time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { promisify } from 'node:util';
import type { ServiceProxy } from '../../proxy/service-proxy.js';
import { eventually } from '../harness.js';
import { TEST_IMAGE, type NodeTestCluster } from '../node-harness.js';

/** Each pod serves its own name, so a response says which endpoint answered. */
export const httpd = {
  name: 'httpd',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www'],
  ports: [{ containerPort: 80 }],
};

/** One GET on a fresh connection (no keep-alive: every request is balanced anew). */
export function get(url: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body.trim()));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Running, not terminating pods with this label selector, by name. */
export async function runningPods(c: NodeTestCluster, selector: string): Promise<string[]> {
  const r = await c.http('GET', `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(selector)}`);
  return r.json().items.filter((p: any) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running').map((p: any) => p.metadata.name).sort();
}

/**
 * Waits until the proxy has written the rules for `n` ready endpoints of the Service `ns/name`:
 * a pod the API shows Running may not be in them yet (the sync runner's minimum interval, as
 * kube-proxy's --min-sync-period).
 */
export async function proxyHasEndpoints(proxy: ServiceProxy, service: string, n: number): Promise<void> {
  const ready = () => [...proxy.tracker.current().endpoints].some(([k, eps]) => k.startsWith(`${service}:`) && eps.filter((e) => e.ready).length === n);
  await eventually(ready, 30_000, 50);
  await proxy.flushed();
}

/** 300 requests to `url` reach every pod of `pods`, each at least 20% of the time. */
export async function assertBalanced(url: string, pods: string[]): Promise<void> {
  const hits = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const who = await get(url);
    hits.set(who, (hits.get(who) ?? 0) + 1);
  }
  assert.deepEqual([...hits.keys()].sort(), pods, JSON.stringify([...hits]));
  for (const [pod, n] of hits) assert.ok(n >= 60, `${pod} got ${n}/300`);
}

/** Deletes `victim` and checks that `url` stops reaching it (and errors stop) within 2 s. */
export async function assertLeavesRotation(c: NodeTestCluster, url: string, victim: string): Promise<void> {
  const deleted = Date.now();
  const r = await c.http('DELETE', `/api/v1/namespaces/default/pods/${victim}`);
  assert.equal(r.status, 200, r.body);
  let lastBad = deleted;
  let good = 0;
  while (good < 40 && Date.now() - deleted < 15_000) {
    const who = await get(url, 1000).catch(() => 'error');
    if (who === victim || who === 'error') {
      lastBad = Date.now();
      good = 0;
    } else good++;
  }
  assert.equal(good, 40, 'the service never settled');
  assert.ok(lastBad - deleted <= 2000, `the deleted pod was still reached ${lastBad - deleted} ms after its deletion`);
}

/** A TCP port nothing on this host listens on, outside the NodePort range (for LoadBalancer ports: never the host's own). */
export async function unusedPort(): Promise<number> {
  const { stdout } = await promisify(execFile)('ss', ['-Htanl']);
  for (;;) {
    const port = randomInt(20_000, 29_999);
    if (!stdout.includes(`:${port} `)) return port;
  }
}
