// Latency one validating admission webhook adds to a create: ConfigMap creates one at a time
// (so the figure is latency, not throughput) against an in-process control plane, without a
// webhook and then with one (the test webhook server, allowing everything, through a Service
// with a caBundle). The webhook measures its own handling time; the added latency is the p50
// with the webhook less the p50 without, less the webhook's own p50. Goal: ≤ 2 ms.
import { startTestCluster } from '../src/test/harness.js';
import { serviceYaml, startWebhookServer } from '../src/test/webhook/serve.js';
import { request } from 'node:https';

const CREATES = Number(process.env['BENCH_CREATES'] ?? 1000);
const WARMUP = 100;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main(): Promise<void> {
  const c = await startTestCluster();
  const hooks = await startWebhookServer(['hooks.default.svc']);
  try {
    const yaml = `${serviceYaml('hooks', hooks.port, hooks.ip)}---\napiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n`;
    const r = await c.kubectl(['apply', '-f', c.file('svc.yaml', yaml)]);
    if (r.code !== 0) throw new Error(r.stderr);
    const creates = async (prefix: string): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < WARMUP + CREATES; i++) {
        const t0 = process.hrtime.bigint();
        const res = await c.http('POST', '/api/v1/namespaces/bench/configmaps', { metadata: { name: `${prefix}-${i}` }, data: { a: 'x'.repeat(64) } });
        if (res.status !== 201) throw new Error(`create: ${res.status} ${res.body}`);
        if (i >= WARMUP) out.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return out;
    };
    const stats = (): Promise<{ count: number; handlingMs: number[] }> => new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: hooks.port, path: '/stats', rejectUnauthorized: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      });
      req.on('error', reject);
      req.end();
    });
    const without = await creates('plain');
    const hook = `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: bench.k8ts.io}\nwebhooks:\n- name: bench.k8ts.io\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]\n  clientConfig:\n    caBundle: ${hooks.caBundle}\n    service: {namespace: default, name: hooks, path: /allow}\n`;
    const h = await c.kubectl(['apply', '-f', c.file('hook.yaml', hook)]);
    if (h.code !== 0) throw new Error(h.stderr);
    await new Promise((res) => setTimeout(res, 500));
    await stats();
    const withHook = await creates('hooked');
    const own = (await stats()).handlingMs.slice(-CREATES);
    if (own.length < CREATES) throw new Error(`the webhook saw ${own.length} of ${CREATES} creates`);
    const row = (name: string, xs: number[]) => console.log(`${name.padEnd(28)} p50 ${pct(xs, 50).toFixed(2)} ms   p99 ${pct(xs, 99).toFixed(2)} ms`);
    console.log(`${CREATES} ConfigMap creates, one at a time`);
    row('without webhook', without);
    row('with one validating webhook', withHook);
    row("the webhook's own handling", own);
    const added = pct(withHook, 50) - pct(without, 50) - pct(own, 50);
    console.log(`added by the webhook call (p50, beyond its own time): ${added.toFixed(2)} ms (goal ≤ 2 ms)`);
  } finally {
    await hooks.stop();
    await c.stop();
  }
}

await main();
