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
import { splice } from '../util/splice.js';

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

  /** The port of the previous run: kept, so that credentials naming the balancer's URL stay valid. */
  private keptPort = 0;
  private port = 0;

  constructor(private readonly o: LoadBalancerOptions) {
    this.log = o.log ?? (() => undefined);
    this.servers = [o.defaultServer];
    if (o.stateFile && existsSync(o.stateFile)) {
      try {
        const kept = JSON.parse(readFileSync(o.stateFile, 'utf8')) as { servers?: unknown; port?: unknown };
        if (Array.isArray(kept.servers)) this.servers = unique([...kept.servers.filter((s): s is string => typeof s === 'string'), o.defaultServer]);
        if (typeof kept.port === 'number' && Number.isInteger(kept.port)) this.keptPort = kept.port;
      } catch {
        // A torn file: start from the default server.
      }
    }
    this.current = this.servers[0]!;
  }

  /**
   * Listens on 127.0.0.1: on the given port, else the previous run's when it is free, else one of
   * the kernel's choice; resolves to the URL clients use.
   */
  async start(port?: number): Promise<string> {
    const server = createServer((client) => this.forward(client));
    const listen = (p: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(p, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    const wanted = port ?? this.keptPort;
    await listen(wanted).catch((err: NodeJS.ErrnoException) => {
      if (port !== undefined || err.code !== 'EADDRINUSE') throw err;
      this.log(`apiserver load balancer: port ${wanted} is taken; using another (the node's credentials are fetched again)`);
      return listen(0);
    });
    server.on('error', (err) => this.log(`apiserver load balancer: ${err.message}`));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.save();
    return `https://127.0.0.1:${this.port}`;
  }

  /** The servers to balance over (host:port); the default server is always kept last. */
  setServers(list: string[]): void {
    const next = unique([...list, this.o.defaultServer]);
    if (next.join(',') === this.servers.join(',')) return;
    this.log(`apiserver load balancer: servers ${next.join(', ')}`);
    this.servers = next;
    if (!next.includes(this.current)) this.current = next[0]!;
    this.save();
  }

  private save(): void {
    if (this.o.stateFile) writeFileSync(this.o.stateFile, JSON.stringify({ servers: this.servers, port: this.port }) + '\n');
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
        if (!connected) attempt(i + 1);
      });
      upstream.once('connect', () => {
        clearTimeout(timer);
        connected = true;
        if (this.current !== target) {
          this.log(`apiserver load balancer: now using ${target}`);
          this.current = target;
        }
        this.open.add(upstream);
        upstream.on('close', () => this.open.delete(upstream));
        // A side that closes leaves the other to flush what it holds (a response's last bytes).
        splice(client, upstream);
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
  /** https://127.0.0.1:<port>: what every component of the node connects to. */
  readonly url: string;
  readonly balancer: ApiServerLoadBalancer;
  /** Starts following the `kubernetes` Endpoints (every 10 s, through the balancer) with a credential that may list endpoints. */
  follow(config: ClientConfig): void;
  stop(): Promise<void>;
}

/** The balancer of an agent that joined `server`; its port is kept across restarts. */
export async function startAgentLoadBalancer(server: string, stateFile: string, log: (line: string) => void): Promise<AgentLoadBalancer> {
  const { host, port } = hostPort(server);
  mkdirSync(dirname(stateFile), { recursive: true });
  const balancer = new ApiServerLoadBalancer({ defaultServer: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`, stateFile, log });
  const url = await balancer.start();
  let client: RestClient | undefined;
  let timer: NodeJS.Timeout | undefined;
  log(`apiserver load balancer on ${url}: ${balancer.serverList.join(', ')}`);
  return {
    url,
    balancer,
    follow(config) {
      client = new RestClient({ ...config, server: url }, 'k8ts-agent-apiserver-lb');
      const c = client;
      const refresh = async () => {
        const list = await c.get<{ items: EndpointsLike[] }>('/api/v1/namespaces/default/endpoints?fieldSelector=metadata.name%3Dkubernetes');
        const servers = serversOf(list.items[0]);
        if (servers.length) balancer.setServers(servers);
      };
      void refresh().catch(() => undefined);
      timer = setInterval(() => void refresh().catch(() => undefined), FOLLOW_INTERVAL_MS);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      client?.close();
      await balancer.stop();
    },
  };
}
