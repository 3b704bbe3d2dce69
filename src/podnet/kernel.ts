// The pod network's state in the kernel: the VXLAN device, and the routes, neighbour and
// forwarding entries the plan asks for. Each reconcile reads what is there and changes only the
// difference, so a sync is idempotent and also repairs what someone else removed.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { ipJson, runTool } from './exec.js';
import { ROUTE_PROTO, VXLAN_OVERHEAD, VXLAN_PORT, VXLAN_VNI, cidrContains, type FdbEntry, type Neighbour, type Plan, type Route } from './model.js';

/**
 * The VTEP's MAC, derived from the node name: stable across restarts (peers' forwarding entries
 * stay right while the agent is down), locally administered and unicast.
 */
export function vtepMac(nodeName: string): string {
  const b = createHash('sha256').update(`k8ts-vtep/${nodeName}`).digest();
  b[0] = (b[0]! & 0xfe) | 0x02;
  return [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

interface VxlanLink {
  ifname: string;
  address?: string;
  mtu?: number;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string; port?: number; link?: string; learning?: boolean } };
}

export interface VxlanDevice {
  name: string;
  mac: string;
  local: string;
  underlay: string;
  mtu: number;
  /** This node's VTEP address: its pod CIDR's network address, as flannel's. */
  address: string;
}

/** Creates the device, or recreates it when it exists with other parameters (a changed node IP). */
export async function ensureVxlan(d: VxlanDevice): Promise<void> {
  const existing = (await ipJson<VxlanLink>(['-d', 'link', 'show', 'dev', d.name]).catch(() => []))[0];
  const info = existing?.linkinfo?.info_data;
  const same = existing?.linkinfo?.info_kind === 'vxlan' && info?.id === VXLAN_VNI && info.local === d.local && info.port === VXLAN_PORT && info.learning === false;
  if (existing && !same) await runTool('ip', ['link', 'del', 'dev', d.name]);
  if (!existing || !same) {
    await runTool('ip', ['link', 'add', d.name, 'address', d.mac, 'type', 'vxlan', 'id', String(VXLAN_VNI), 'local', d.local, 'dev', d.underlay, 'dstport', String(VXLAN_PORT), 'nolearning']);
  } else if (existing.address !== d.mac) {
    await runTool('ip', ['link', 'set', 'dev', d.name, 'address', d.mac]);
  }
  await runTool('ip', ['link', 'set', 'dev', d.name, 'mtu', String(d.mtu), 'up']);
  await runTool('ip', ['addr', 'replace', `${d.address}/32`, 'dev', d.name]);
}

export function vxlanMtu(underlayMtu: number): number {
  return underlayMtu - VXLAN_OVERHEAD;
}

export async function deleteLink(name: string): Promise<void> {
  await runTool('ip', ['link', 'del', 'dev', name]).catch((err: Error & { stderr?: string }) => {
    if (!/cannot find|does not exist/i.test(err.stderr ?? '')) throw err;
  });
}

interface IpRoute {
  dst: string;
  gateway?: string;
  dev?: string;
  flags?: string[];
}

interface IpNeigh {
  dst: string;
  lladdr?: string;
  state?: string[];
}

interface BridgeFdb {
  mac: string;
  dst?: string;
}

const routeKey = (r: Route): string => `${r.dst} ${r.via} ${r.dev} ${r.onlink}`;

/** Our routes now: those carrying our protocol number, within the cluster's pod network. */
async function currentRoutes(clusterCIDR: string): Promise<Route[]> {
  const routes = await ipJson<IpRoute>(['-4', 'route', 'show', 'proto', String(ROUTE_PROTO)]);
  return routes
    .filter((r) => r.gateway && r.dev && r.dst.includes('/') && cidrContains(clusterCIDR, r.dst.split('/')[0]!))
    .map((r) => ({ dst: r.dst, via: r.gateway!, dev: r.dev!, onlink: (r.flags ?? []).includes('onlink') }));
}

export interface ReconcileResult {
  added: number;
  removed: number;
}

/** Brings routes (and, with a VXLAN device, its neighbours and FDB) to the plan. */
export async function reconcile(p: Plan, clusterCIDR: string, vxlanDevice?: string): Promise<ReconcileResult> {
  const batch: string[] = [];
  let added = 0;
  let removed = 0;
  const want = new Map(p.routes.map((r) => [routeKey(r), r]));
  const have = new Map((await currentRoutes(clusterCIDR)).map((r) => [routeKey(r), r]));
  for (const [k, r] of have) {
    if (want.has(k)) continue;
    batch.push(`route del ${r.dst} via ${r.via} dev ${r.dev} proto ${ROUTE_PROTO}`);
    removed++;
  }
  const fdbBatch: string[] = [];
  if (vxlanDevice) {
    const wantNeigh = new Map(p.neighbours.map((n) => [n.ip, n]));
    for (const n of await ipJson<IpNeigh>(['-4', 'neigh', 'show', 'dev', vxlanDevice, 'nud', 'permanent'])) {
      const w = wantNeigh.get(n.dst);
      if (w && w.mac === n.lladdr?.toLowerCase()) wantNeigh.delete(n.dst);
      else if (!w) {
        batch.push(`neigh del ${n.dst} dev ${vxlanDevice}`);
        removed++;
      }
    }
    for (const n of wantNeigh.values()) {
      batch.push(neighLine(n, vxlanDevice));
      added++;
    }
    const wantFdb = new Map(p.fdb.map((f) => [f.mac, f]));
    for (const f of await ipJson<BridgeFdb>(['fdb', 'show', 'dev', vxlanDevice], 'bridge')) {
      if (!f.dst) continue; // the device's own entries
      const w = wantFdb.get(f.mac.toLowerCase());
      if (w && w.dst === f.dst) wantFdb.delete(w.mac);
      else if (!w) {
        fdbBatch.push(`fdb del ${f.mac} dev ${vxlanDevice} dst ${f.dst} self`);
        removed++;
      }
    }
    for (const f of wantFdb.values()) {
      fdbBatch.push(fdbLine(f, vxlanDevice));
      added++;
    }
  }
  // Forwarding entries first: a route whose next hop cannot be encapsulated yet would blackhole.
  if (fdbBatch.length) await runTool('bridge', ['-force', '-batch', '-'], fdbBatch.join('\n') + '\n');
  for (const [k, r] of want) {
    if (have.has(k)) continue;
    batch.push(`route replace ${r.dst} via ${r.via} dev ${r.dev}${r.onlink ? ' onlink' : ''} proto ${ROUTE_PROTO}`);
    added++;
  }
  if (batch.length) await runTool('ip', ['-force', '-batch', '-'], batch.join('\n') + '\n');
  return { added, removed };
}

function neighLine(n: Neighbour, dev: string): string {
  return `neigh replace ${n.ip} lladdr ${n.mac} dev ${dev} nud permanent`;
}

function fdbLine(f: FdbEntry, dev: string): string {
  return `fdb replace ${f.mac} dev ${dev} dst ${f.dst} self permanent`;
}

/** Every route we added, whatever the cluster range was (`--cleanup`). */
export async function removeOurRoutes(): Promise<number> {
  const routes = await ipJson<IpRoute>(['-4', 'route', 'show', 'proto', String(ROUTE_PROTO)]);
  for (const r of routes) await runTool('ip', ['route', 'del', r.dst, 'proto', String(ROUTE_PROTO)]).catch(() => undefined);
  return routes.length;
}

/** Nodes route pods' packets: forwarding must be on in the node's network namespace. */
export async function enableForwarding(): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1\n');
}
