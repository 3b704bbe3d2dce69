// Service proxy benchmark: programming the kernel for 1,000 / 5,000 / 10,000 Services with two
// endpoints each, and, with 10,000 present, the time from one EndpointSlice change to its rules
// being in the kernel. Both modes run on the same state in the same run: iptables mode rewrites
// all of its chains with one iptables-restore per sync (as upstream's iptables mode without
// partial syncs), nftables mode writes the whole table once, then only what changed.
// The change is fed to the proxy's change tracker as its informer would; the API server and the
// watch are not part of the figure. Needs root, nft and iptables-restore. BENCH_SIZES,
// BENCH_CHANGES and BENCH_REFERENCE_CHANGES override the sizes and the numbers of timed changes.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import type { Service } from '../src/api/core/v1/types.js';
import type { EndpointSlice } from '../src/api/discovery/v1/types.js';
import { ChangeTracker } from '../src/proxy/change-tracker.js';
import { cleanupIptables } from '../src/proxy/iptables/proxier.js';
import { cleanupNftables } from '../src/proxy/nftables/proxier.js';
import type { ProxyMode } from '../src/proxy/proxier.js';
import { runWithInput } from '../src/util/netfilter/exec.js';
import { nftEndpointChain } from '../src/proxy/names.js';
import { CLUSTER_IPS, containerDeclaration } from '../src/proxy/nftables/ruleset.js';
import { ServiceProxy } from '../src/proxy/service-proxy.js';
import { endpoint, service, slice } from '../src/proxy/testing/fixtures.js';
import { percentile } from './lib/processes.js';

const SIZES = (process.env['BENCH_SIZES'] ?? '1000,5000,10000').split(',').map(Number);
const CHANGES = Number(process.env['BENCH_CHANGES'] ?? 200);
const REFERENCE_CHANGES = Number(process.env['BENCH_REFERENCE_CHANGES'] ?? 3);
const tag = randomInt(0x1000, 0xffff).toString(16);
const TABLE = `k8ts-bench-${tag}`;
const PREFIX = `KB${tag.toUpperCase()}`;
// Addresses nothing on this host uses: the rules match no real traffic.
const ip = (base: number, i: number) => `10.${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

function objects(n: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    services.push(service(`svc-${i}`, ip(200, i + 1), {}, 'bench'));
    slices.push(slice(`svc-${i}`, [endpoint(ip(210, 2 * i + 1)), endpoint(ip(210, 2 * i + 2))], { namespace: 'bench' }));
  }
  return { services, slices };
}

function load(proxy: ServiceProxy, n: number): EndpointSlice[] {
  const { services, slices } = objects(n);
  const t: ChangeTracker = proxy.tracker;
  for (const s of services) t.setService(s);
  for (const s of slices) t.setSlice(s);
  return slices;
}

function newProxy(mode: ProxyMode): ServiceProxy {
  // A short minimum interval so timed changes, spaced apart, each find the proxy idle.
  return new ServiceProxy({ mode, nodeName: 'bench-node', clusterCIDR: '10.244.0.0/16', table: TABLE, chainPrefix: PREFIX, runner: { minIntervalMs: 50, periodMs: 0 } });
}

async function fullSync(mode: ProxyMode, n: number): Promise<{ ms: number; bytes: number }> {
  const proxy = newProxy(mode);
  load(proxy, n);
  const t0 = performance.now();
  proxy.start();
  await proxy.flushed();
  const ms = performance.now() - t0;
  const bytes = proxy.lastSync?.bytes ?? 0;
  await proxy.stop({ cleanup: true });
  return { ms, bytes };
}

const floor: number[] = [];
const declaredFloor: number[] = [];

async function changeLatency(mode: ProxyMode, n: number, changes: number): Promise<{ samples: number[]; syncMs: number[]; bytes: number }> {
  const proxy = newProxy(mode);
  const slices = load(proxy, n);
  proxy.start();
  await proxy.flushed();
  const samples: number[] = [];
  const syncMs: number[] = [];
  let bytes = 0;
  for (let k = 0; k < changes; k++) {
    await sleep(70);
    const i = randomInt(0, n);
    // Replace the second endpoint with a fresh address: one endpoint chain out, one in.
    const next = slice(`svc-${i}`, [endpoint(ip(210, 2 * i + 1)), endpoint(ip(230, k))], { namespace: 'bench' });
    const t0 = performance.now();
    proxy.tracker.setSlice(next);
    await proxy.flushed();
    samples.push(performance.now() - t0);
    syncMs.push(proxy.lastSync?.ms ?? 0);
    bytes += proxy.lastSync?.bytes ?? 0;
    slices[i] = next;
  }
  if (mode === 'nftables') {
    // The last change is in the kernel, not only in our bookkeeping.
    const last = slices.findIndex((s) => s.endpoints?.[1]?.addresses[0] === ip(230, changes - 1));
    const chain = nftEndpointChain(proxy.tracker.current().services.get(`bench/svc-${last}:p80/tcp`)!, { ip: ip(230, changes - 1), port: 80 });
    const listed = execFileSync('nft', ['list', 'chain', 'ip', TABLE, chain]).toString();
    if (!listed.includes(`dnat to ${ip(230, changes - 1)}:80`)) throw new Error('the last change is not in the kernel');
    // Floors on this table: one nft transaction of a single set element written as `add element`
    // (nft dumps every chain first), and one written as the incremental syncs write elements.
    floor.length = 0;
    declaredFloor.length = 0;
    for (let k = 0; k < 20; k++) {
      let t0 = performance.now();
      await runWithInput('nft', ['-f', '-'], `add element ip ${TABLE} cluster-ips { 10.255.255.254 }\ndelete element ip ${TABLE} cluster-ips { 10.255.255.254 }\n`);
      floor.push(performance.now() - t0);
      t0 = performance.now();
      await runWithInput('nft', ['-f', '-'], `${containerDeclaration(`ip ${TABLE}`, CLUSTER_IPS, '10.255.255.253')}\n`);
      declaredFloor.push(performance.now() - t0);
    }
  }
  await proxy.stop({ cleanup: true });
  return { samples, syncMs, bytes: bytes / changes };
}

async function main(): Promise<void> {
  try {
    console.log('full sync, N services x 2 endpoints (compute + write):');
    console.log('  services   nftables (nft -f)        iptables (iptables-restore)   nft/iptables');
    for (const n of SIZES) {
      const nft = await fullSync('nftables', n);
      const ipt = await fullSync('iptables', n);
      console.log(`  ${String(n).padStart(8)}   ${nft.ms.toFixed(0).padStart(6)} ms ${(nft.bytes / 1e6).toFixed(1).padStart(5)} MB      ${ipt.ms.toFixed(0).padStart(6)} ms ${(ipt.bytes / 1e6).toFixed(1).padStart(5)} MB           ${(nft.ms / ipt.ms).toFixed(2)}`);
    }
    const n = Math.max(...SIZES);
    const nft = await changeLatency('nftables', n, CHANGES);
    console.log(`one EndpointSlice change with ${n} services present, change tracker to rules in the kernel:`);
    console.log(`  nftables (incremental, ${CHANGES} changes):  p50 ${percentile(nft.samples, 50).toFixed(1)} ms  p99 ${percentile(nft.samples, 99).toFixed(1)} ms  max ${Math.max(...nft.samples).toFixed(1)} ms  (${(nft.bytes / 1e3).toFixed(1)} kB written per change); the sync itself (compute + nft): p50 ${percentile(nft.syncMs, 50).toFixed(1)} ms  p99 ${percentile(nft.syncMs, 99).toFixed(1)} ms`);
    console.log(`  floor: one nft transaction of a single set element on that table: p50 ${percentile(floor, 50).toFixed(1)} ms  p99 ${percentile(floor, 99).toFixed(1)} ms as \`add element\` (nft dumps every chain first), p50 ${percentile(declaredFloor, 50).toFixed(1)} ms  p99 ${percentile(declaredFloor, 99).toFixed(1)} ms declared with its set (the incremental syncs' form)`);
    if (REFERENCE_CHANGES === 0) return;
    const ipt = await changeLatency('iptables', n, REFERENCE_CHANGES);
    console.log(`  iptables (full restore, ${REFERENCE_CHANGES} changes):   p50 ${percentile(ipt.samples, 50).toFixed(1)} ms  p99 ${percentile(ipt.samples, 99).toFixed(1)} ms  (${(ipt.bytes / 1e6).toFixed(1)} MB written per change)`);
    console.log(`  ratio iptables p50 / nftables p50: ${(percentile(ipt.samples, 50) / percentile(nft.samples, 50)).toFixed(1)}x; nftables p99 goal <= 100 ms: ${percentile(nft.samples, 99) <= 100 ? 'met' : 'NOT met'}`);
  } finally {
    await cleanupNftables(TABLE).catch(() => undefined);
    await cleanupIptables(PREFIX).catch(() => undefined);
  }
}

await main();
