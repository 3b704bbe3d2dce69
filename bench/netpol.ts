// NetworkPolicy programming benchmark: 1,000 policies (BENCH_POLICIES) over 100 namespaces, 2,000
// pods of which 200 are on this node, written to a table of the run's own; then the time from
// one change (a pod's labels, a pod appearing, a policy's port) to its rules being in the kernel,
// and the bytes written, against a full rewrite of the same state measured in the same run.
// Changes are fed to the enforcer as its informers would; the API server is not part of the
// figure. The addresses are unused on this host, so the rules match no real traffic. Needs root and nft.
import { randomInt } from 'node:crypto';
import { NetworkPolicyEnforcer, cleanupNetworkPolicy } from '../src/netpol/enforcer.js';
import { namespace, pod, policy } from '../src/netpol/testing/fixtures.js';

const POLICIES = Number(process.env['BENCH_POLICIES'] ?? 1000);
const PODS = Number(process.env['BENCH_PODS'] ?? 2000);
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? 50);
const NAMESPACES = 100;
const TABLE = `k8ts-bench-np-${randomInt(0x1000, 0xffff).toString(16)}`;
const ip = (i: number) => `10.231.${(i >> 8) & 255}.${i & 255}`;
const nsOf = (i: number) => `ns-${i % NAMESPACES}`;

function podAt(i: number, extra: Record<string, string> = {}) {
  return pod(nsOf(i), `pod-${i}`, ip(i + 1), { app: `app-${i % 10}`, tier: i % 2 ? 'web' : 'db', ...extra }, { node: i % 10 === 0 ? 'bench-node' : 'other', ports: [{ name: 'http', containerPort: 8080 }] });
}

function policyAt(i: number, port = 8080) {
  const ns = nsOf(i);
  return policy(ns, `np-${i}`, {
    podSelector: { matchLabels: { app: `app-${i % 10}` } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: [{ podSelector: { matchLabels: { tier: 'web' } } }, { namespaceSelector: { matchLabels: { team: `t${i % 5}` } }, podSelector: {} }], ports: [{ port: 'http', protocol: 'TCP' }, { port, endPort: port + 10, protocol: 'TCP' }] },
    ],
    egress: [{ to: [{ ipBlock: { cidr: `172.${16 + (i % 16)}.0.0/16`, except: [`172.${16 + (i % 16)}.1.0/24`] } }], ports: [{ port: 443, protocol: 'TCP' }] }, { ports: [{ port: 53, protocol: 'UDP' }] }],
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function timed(e: NetworkPolicyEnforcer, change: () => void): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  change();
  await e.flushed();
  return { ms: performance.now() - t0, bytes: e.lastSync?.bytes ?? 0 };
}

async function main(): Promise<void> {
  const e = new NetworkPolicyEnforcer({ nodeName: 'bench-node', table: TABLE, runner: { minIntervalMs: 20, periodMs: 0, coalesceMs: 0 } });
  try {
    for (let n = 0; n < NAMESPACES; n++) e.setNamespace(namespace(`ns-${n}`, { team: `t${n % 5}` }));
    for (let i = 0; i < PODS; i++) e.setPod(podAt(i));
    for (let i = 0; i < POLICIES; i++) e.setPolicy(policyAt(i));
    const full = await timed(e, () => void e.start());
    console.log(`full sync: ${POLICIES} policies, ${PODS} pods (${PODS / 10} on this node): ${full.ms.toFixed(0)} ms, ${(full.bytes / 1024).toFixed(0)} KiB`);

    // Every change touches this node (pods and policies of the namespaces its pods are in), so each one writes.
    const kinds: [string, (k: number) => void][] = [
      ['pod labels change', (k) => e.setPod(podAt(k * 10, { app: 'unselected' }))],
      ['pod appears', (k) => e.setPod(podAt(PODS + k * 10))],
      ['policy port changes', (k) => e.setPolicy(policyAt(k * 10, 9000 + k))],
    ];
    const rows: string[] = [];
    for (const [name, change] of kinds) {
      const ms: number[] = [];
      const bytes: number[] = [];
      for (let k = 0; k < CHANGES; k++) {
        const r = await timed(e, () => change(k));
        ms.push(r.ms);
        bytes.push(r.bytes);
        await new Promise((res) => setTimeout(res, 25)); // the next change finds the enforcer idle
      }
      rows.push(`${name.padEnd(22)} p50 ${pct(ms, 50).toFixed(1)} ms  p99 ${pct(ms, 99).toFixed(1)} ms  median ${pct(bytes, 50)} bytes`);
    }
    // The reference: what every change would cost if each one rewrote the whole table.
    const rewrites: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      await e.fullSync();
      rewrites.push(performance.now() - t0);
    }
    const ref = pct(rewrites, 50);
    console.log(`one change, ${POLICIES} policies present (${CHANGES} of each):`);
    for (const r of rows) console.log(`  ${r}`);
    console.log(`  full rewrite (reference)  p50 ${ref.toFixed(1)} ms`);
    const slowest = (p: string) => Math.max(...rows.map((r) => Number(new RegExp(`${p} ([\\d.]+)`).exec(r)![1])));
    console.log(`ratio: the slowest incremental p50 is ${(slowest('p50') / ref).toFixed(2)}× a full rewrite, p99 ${(slowest('p99') / ref).toFixed(2)}×`);
  } finally {
    await e.stop();
    await cleanupNetworkPolicy(TABLE);
  }
}

await main();
