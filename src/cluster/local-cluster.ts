// The cluster `k8ts up` runs in the background: where its pid and log are, whether it runs, and
// the checks that say its parts are up: API, node, DNS through the service proxy, ingress. Each
// check asks the cluster as a user would (the API, a DNS query to the kube-dns ClusterIP, an HTTP
// request to the ingress port), so "up" means usable, not merely started.
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import type { Node, Service } from '../api/core/v1/types.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { gvr, R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';

export const serverPidFile = (dataDir: string): string => join(dataDir, 'server.pid');
export const serverLogFile = (dataDir: string): string => join(dataDir, 'server.log');
export const adminKubeconfig = (dataDir: string): string => join(dataDir, 'kubeconfig.yaml');

/** The pid of the `k8ts server` of this data dir when it runs (the pid file alone could name a reused pid). */
export function runningServerPid(dataDir: string): number | undefined {
  const file = serverPidFile(dataDir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  let cmdline: string[];
  let state: string | undefined;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
  // A zombie (its parent has not reaped it) runs no more.
  if (state === 'Z') return undefined;
  return cmdline.includes('server') && cmdline.includes(dataDir) ? pid : undefined;
}

export interface Probe {
  /** What the progress line names. */
  what: string;
  /** Resolves true when ready; false (or a throw) means not yet, with `detail` saying what was seen. */
  check(): Promise<boolean>;
  detail?: () => string;
}

export class ClusterProbes {
  private client?: RestClient;
  private lastNodes = '';

  constructor(private readonly dataDir: string) {}

  private api(): RestClient | undefined {
    if (this.client) return this.client;
    if (!existsSync(adminKubeconfig(this.dataDir))) return undefined;
    this.client = new RestClient(loadKubeconfig(adminKubeconfig(this.dataDir)), 'k8ts-up');
    return this.client;
  }

  apiServer(): Probe {
    return {
      what: 'API server ready',
      check: async () => {
        const c = this.api();
        if (!c) return false;
        return (await c.request<string>('GET', '/readyz').catch(() => '')) === 'ok';
      },
    };
  }

  nodeReady(): Probe {
    return {
      what: 'node Ready',
      check: async () => {
        const nodes = (await this.api()!.get<{ items: Node[] }>(resourcePath(R.nodes))).items;
        const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        this.lastNodes = nodes.length ? nodes.map((n) => `${n.metadata.name} ${ready.includes(n) ? 'Ready' : 'NotReady'}`).join(', ') : 'no node registered';
        return nodes.length > 0 && ready.length === nodes.length;
      },
      detail: () => this.lastNodes,
    };
  }

  /** The kube-dns ClusterIP answers for the kubernetes Service: the DNS and the service proxy both work. */
  clusterDns(domain: string): Probe {
    return {
      what: 'cluster DNS answering through the service proxy',
      check: async () => {
        const c = this.api()!;
        const dns = await c.get<Service>(resourcePath(R.services, 'kube-system', 'kube-dns')).catch(() => undefined);
        const api = await c.get<Service>(resourcePath(R.services, 'default', 'kubernetes')).catch(() => undefined);
        const ip = dns?.spec?.clusterIP;
        if (!ip || !api?.spec?.clusterIP) return false;
        return (await resolveA(ip, `kubernetes.default.svc.${domain}`)).includes(api.spec.clusterIP);
      },
    };
  }

  /** The ingress controller's nginx answers (its default backend's 404 is an answer). */
  ingress(port: number): Probe {
    return {
      what: `ingress answering on port ${port}`,
      check: async () => {
        const cls = await this.api()!.get(resourcePath(gvr('networking.k8s.io', 'v1', 'ingressclasses'), undefined, 'k8ts')).catch(() => undefined);
        return !!cls && (await httpAnswers(port));
      },
    };
  }

  close(): void {
    this.client?.close();
  }
}

function resolveA(server: string, name: string, timeoutMs = 1000): Promise<string[]> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const done = (ips: string[]) => {
      clearTimeout(timer);
      sock.close();
      resolve(ips);
    };
    const timer = setTimeout(() => done([]), timeoutMs);
    sock.on('error', () => done([]));
    sock.on('message', (msg) => {
      try {
        const answer = dnsPacket.decode(msg);
        done((answer.answers ?? []).flatMap((a) => (a.type === 'A' ? [String(a.data)] : [])));
      } catch {
        done([]);
      }
    });
    sock.send(dnsPacket.encode({ type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'A', name }] }), 53, server);
  });
}

function httpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
