// Scraping one node: the kubelet's /stats/summary (only_cpu_and_memory) over TLS with the metrics
// server's client certificate, reduced to the samples the storage keeps: cumulative CPU time and
// working set for the node and each running container.
import { request } from 'node:https';
import type { Node } from '../api/core/v1/types.js';
import type { NodeScrape, PodSamples, Sample } from './storage.js';

export interface KubeletTls {
  cert?: string;
  key?: string;
  /** Bearer token, when there is no client certificate. */
  token?: string;
  /** CA that signs kubelets' serving certificates; unused with insecure. */
  ca?: string;
  /** metrics-server's --kubelet-insecure-tls. */
  insecure: boolean;
}

/** metrics-server's --kubelet-preferred-address-types, as k3s sets it. */
export const DEFAULT_ADDRESS_TYPES = ['InternalIP', 'ExternalIP', 'Hostname'];

export function kubeletAddress(node: Node, types: readonly string[] = DEFAULT_ADDRESS_TYPES): { host: string; port: number } | undefined {
  const addrs = node.status?.addresses ?? [];
  for (const t of types) {
    const a = addrs.find((x) => x.type === t && x.address);
    if (a) return { host: a.address, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250 };
  }
  return undefined;
}

interface SummaryCpu {
  time?: string;
  usageCoreNanoSeconds?: number;
}
interface SummaryMemory {
  time?: string;
  workingSetBytes?: number;
}
interface Summary {
  node?: { startTime?: string; cpu?: SummaryCpu; memory?: SummaryMemory };
  pods?: { podRef?: { name?: string; namespace?: string }; containers?: { name?: string; startTime?: string; cpu?: SummaryCpu; memory?: SummaryMemory }[] }[];
}

function sample(cpu: SummaryCpu | undefined, mem: SummaryMemory | undefined, start: string | undefined): Sample | undefined {
  if (cpu?.usageCoreNanoSeconds === undefined || mem?.workingSetBytes === undefined) return undefined;
  const at = Date.parse(cpu.time ?? mem.time ?? '');
  if (Number.isNaN(at)) return undefined;
  const startTime = start ? Date.parse(start) : undefined;
  return { at, cpuNs: cpu.usageCoreNanoSeconds, memory: mem.workingSetBytes, startTime: Number.isNaN(startTime) ? undefined : startTime };
}

/** The summary reduced to samples; containers without both figures are left out, as upstream does. */
export function decodeSummary(s: Summary): NodeScrape | undefined {
  const node = sample(s.node?.cpu, s.node?.memory, s.node?.startTime);
  if (!node) return undefined;
  const pods: PodSamples[] = [];
  for (const p of s.pods ?? []) {
    const name = p.podRef?.name;
    const namespace = p.podRef?.namespace;
    if (!name || !namespace) continue;
    const containers = new Map<string, Sample>();
    for (const c of p.containers ?? []) {
      const cs = c.name ? sample(c.cpu, c.memory, c.startTime) : undefined;
      if (cs) containers.set(c.name!, cs);
    }
    if (containers.size) pods.push({ namespace, name, containers });
  }
  return { node, pods };
}

export function scrapeNode(host: string, port: number, tls: KubeletTls, timeoutMs: number): Promise<NodeScrape> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'k8ts-metrics-server' };
    if (tls.token && !tls.cert) headers['authorization'] = `Bearer ${tls.token}`;
    const req = request(
      { host, port, path: '/stats/summary?only_cpu_and_memory=true', method: 'GET', headers, cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: !tls.insecure, agent: false, timeout: timeoutMs, servername: /^[\d.]+$|:/.test(host) ? undefined : host },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`request failed, status: "${res.statusCode} ${res.statusMessage ?? ''}"`));
          try {
            const decoded = decodeSummary(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary);
            if (!decoded) return reject(new Error('the summary carries no node cpu and memory'));
            resolve(decoded);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('context deadline exceeded')));
    req.on('error', reject);
    req.end();
  });
}
