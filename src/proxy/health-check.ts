// The health-check node port of externalTrafficPolicy Local services (upstream's
// ServiceHealthServer): an external load balancer asks each node, and only nodes with a local
// ready endpoint answer 200, so traffic goes where it is served without leaving the node.
import { createServer, type Server } from 'node:http';
import type { ProxyState } from './model.js';

interface Served {
  namespace: string;
  name: string;
  localEndpoints: number;
}

export class HealthCheckServers {
  private readonly servers = new Map<number, { server: Server; served: Served }>();

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /** Open a listener per health-check node port in `state`, close the ones no longer wanted. */
  reconcile(state: ProxyState): void {
    const wanted = new Map<number, Served>();
    const localIPs = new Map<string, Set<string>>();
    for (const [key, sp] of state.services) {
      if (!sp.healthCheckNodePort) continue;
      const svc = `${sp.namespace}/${sp.name}`;
      let ips = localIPs.get(svc);
      if (!ips) localIPs.set(svc, (ips = new Set()));
      for (const ep of state.endpoints.get(key) ?? []) if (ep.isLocal && ep.ready) ips.add(ep.ip);
      wanted.set(sp.healthCheckNodePort, { namespace: sp.namespace, name: sp.name, localEndpoints: 0 });
    }
    for (const served of wanted.values()) served.localEndpoints = localIPs.get(`${served.namespace}/${served.name}`)?.size ?? 0;
    for (const [port, entry] of this.servers) {
      if (wanted.has(port)) continue;
      entry.server.close();
      this.servers.delete(port);
    }
    for (const [port, served] of wanted) {
      const existing = this.servers.get(port);
      if (existing) {
        existing.served = served;
        continue;
      }
      const entry = { server: createServer((_req, res) => {
        const s = entry.served;
        res.writeHead(s.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff', 'X-Load-Balancing-Endpoint-Weight': String(s.localEndpoints) });
        res.end(JSON.stringify({ service: { namespace: s.namespace, name: s.name }, localEndpoints: s.localEndpoints, serviceProxyHealthy: true }));
      }), served };
      entry.server.on('error', (err) => this.log(`health check node port ${port} for ${served.namespace}/${served.name}: ${err.message}`));
      entry.server.listen(port);
      this.servers.set(port, entry);
    }
  }

  ports(): number[] {
    return [...this.servers.keys()];
  }

  close(): void {
    for (const { server } of this.servers.values()) server.close();
    this.servers.clear();
  }
}
