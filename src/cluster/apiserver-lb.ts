// An agent's client-side load balancer for the API servers, as k3s agents run one: a TCP proxy on
// loopback that every component of the node connects to, forwarding each connection to a server
// that accepts it, and to the next when one refuses or times out. TLS passes through untouched
// (every server's certificate names 127.0.0.1), so nothing of the clients changes. The servers
// are learned from the `kubernetes` Endpoints (every live server's address) and kept in a file,
// so an agent restarted while the server it joined is down still finds the others.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';

const DIAL_TIMEOUT_MS = 3000;
const FOLLOW_INTERVAL_MS = 10_000;

export interface LoadBalancerOptions {
  /** The server joined first (host:port); it stays as the last resort. */
  defaultServer: string;
  /** Where the list is kept across restarts. */
  stateFile?: string;
  log?: (line: string) => void;
}

/** host:port of a URL, with IPv6 brackets removed from the host. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443) };
}

export class ApiServerLoadBalancer {
  private server?: Server;
  private servers: string[];
  /** The server the last connection reached; new connections try it first. */
  private current: string;
  private readonly log: (line: string) => void;
  /** Upstream connections, ended with the balancer. */
  private readonly open = new Set<Socket>();

  constructor(private readonly o: LoadBalancerOptions) {
    this.log = o.log ?? (() => undefined);
    this.servers = [o.defaultServer];
    if (o.stateFile && existsSync(o.stateFile)) {
      try {
        const kept = JSON.parse(readFileSync(o.stateFile, 'utf8')) as { servers?: unknown };
        if (Array.isArray(kept.servers)) this.servers = unique([...kept.servers.filter((s): s is string => typeof s === 'string'), o.defaultServer]);
      } catch {
        // A torn file: start from the default server.
      }
    }
    this.current = this.servers[0]!;
  }

  /** Listens on 127.0.0.1 (a port of the kernel's choice unless given); resolves to the URL clients use. */
  async start(port = 0): Promise<string> {
    const server = createServer((client) => this.forward(client));
    server.on('error', (err) => this.log(`apiserver load balancer: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The servers to balance over (host:port); the default server is always kept last. */
  setServers(list: string[]): void {
    const next = unique([...list, this.o.defaultServer]);
    if (next.join(',') === this.servers.join(',')) return;
    this.log(`apiserver load balancer: servers ${next.join(', ')}`);
    this.servers = next;
    if (!next.includes(this.current)) this.current = next[0]!;
    if (this.o.stateFile) writeFileSync(this.o.stateFile, JSON.stringify({ servers: next }) + '\n');
  }

  get serverList(): readonly string[] {
    return this.servers;
  }

  private forward(client: Socket): void {
    client.pause();
    client.on('error', () => undefined);
    const order = [this.current, ...this.servers.filter((s) => s !== this.current)];
    const attempt = (i: number): void => {
      if (client.destroyed) return;
      if (i >= order.length) {
        client.destroy();
        return;
      }
      const target = order[i]!;
      const { host, port } = hostPort(`https://${target}`);
      const upstream = connect({ host, port });
      let connected = false;
      const timer = setTimeout(() => upstream.destroy(new Error('dial timeout')), DIAL_TIMEOUT_MS);
      upstream.on('error', () => {
        clearTimeout(timer);
        if (connected) client.destroy();
        else attempt(i + 1);
      });
      upstream.once('connect', () => {
        clearTimeout(timer);
        connected = true;
        if (this.current !== target) {
          this.log(`apiserver load balancer: now using ${target}`);
          this.current = target;
        }
        this.open.add(upstream);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => {
          this.open.delete(upstream);
          client.destroy();
        });
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const u of this.open) u.destroy();
    await closed;
  }
}

const unique = (list: string[]) => [...new Set(list)];

interface EndpointsLike {
  subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number }[] }[];
}

/** host:port of every address of the `kubernetes` Endpoints. */
export function serversOf(ep: EndpointsLike | undefined): string[] {
  return (ep?.subsets ?? []).flatMap((s) => {
    const port = s.ports?.find((p) => p.name === 'https')?.port ?? s.ports?.[0]?.port;
    return port ? (s.addresses ?? []).map((a) => (a.ip.includes(':') ? `[${a.ip}]:${port}` : `${a.ip}:${port}`)) : [];
  });
}

export interface AgentLoadBalancer {
  /** The config with its server replaced by the balancer's address. */
  via(config: ClientConfig): ClientConfig;
  readonly balancer: ApiServerLoadBalancer;
  stop(): Promise<void>;
}

/**
 * The balancer of an agent that joined `server`, following the `kubernetes` Endpoints (every
 * 10 s, through itself) with `follow`, a credential that may list endpoints.
 */
export async function startAgentLoadBalancer(server: string, stateFile: string, follow: ClientConfig, log: (line: string) => void): Promise<AgentLoadBalancer> {
  const { host, port } = hostPort(server);
  mkdirSync(dirname(stateFile), { recursive: true });
  const balancer = new ApiServerLoadBalancer({ defaultServer: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`, stateFile, log });
  const url = await balancer.start();
  const via = (c: ClientConfig): ClientConfig => ({ ...c, server: url });
  const client = new RestClient(via(follow), 'k8ts-agent-apiserver-lb');
  const refresh = async () => {
    const list = await client.get<{ items: EndpointsLike[] }>('/api/v1/namespaces/default/endpoints?fieldSelector=metadata.name%3Dkubernetes');
    const servers = serversOf(list.items[0]);
    if (servers.length) balancer.setServers(servers);
  };
  void refresh().catch(() => undefined);
  const timer = setInterval(() => void refresh().catch(() => undefined), FOLLOW_INTERVAL_MS);
  timer.unref();
  log(`apiserver load balancer on ${url}: ${balancer.serverList.join(', ')}`);
  return {
    via,
    balancer,
    async stop() {
      clearInterval(timer);
      client.close();
      await balancer.stop();
    },
  };
}
