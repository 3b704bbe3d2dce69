// The kubelet API of simulated nodes, for what reads node figures (the metrics server): one
// HTTPS listener for every node of the agent. Each node's address is its own loopback address
// (127.30.x.y, all of 127/8 reaches this host) and the listener tells the node from the address
// a connection came in on. Only /stats/summary (synthetic usage) and /healthz are served; a
// client must present a certificate of the cluster CA, and no SubjectAccessReview is asked
// (a simulation has no secrets to guard).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { rfc3339, rfc3339Micro } from '../../util/time.js';
import { createCa, issueCert } from '../../util/pki.js';
import type { PodStats, Summary } from '../stats/types.js';
import type { SimRuntime } from './runtime.js';

export interface SimKubeletServer {
  port: number;
  stop(): Promise<void>;
}

export interface SimNodeLookup {
  /** The node whose address this is, with its runtime. */
  byAddress(ip: string): { name: string; runtime: SimRuntime } | undefined;
}

/** The summary of one simulated node, shaped as the real kubelet's (only cpu and memory). */
export function simSummary(name: string, runtime: SimRuntime, bootTime: number): Summary {
  const s = runtime.stats();
  const time = rfc3339Micro(s.at);
  const pods = new Map<string, PodStats>();
  for (const c of s.containers) {
    const key = `${c.namespace}/${c.pod}`;
    let p = pods.get(key);
    if (!p) pods.set(key, (p = { podRef: { name: c.pod, namespace: c.namespace, uid: c.uid }, startTime: rfc3339(c.podStartedAt), containers: [] }));
    p.containers.push({ name: c.container, startTime: rfc3339(c.startedAt), cpu: { time, usageCoreNanoSeconds: c.cpuNs }, memory: { time, workingSetBytes: c.memoryBytes, usageBytes: c.memoryBytes } });
  }
  return {
    node: { nodeName: name, startTime: rfc3339(bootTime), cpu: { time, usageCoreNanoSeconds: s.node.cpuNs }, memory: { time, workingSetBytes: s.node.memoryBytes, usageBytes: s.node.memoryBytes } },
    pods: [...pods.values()],
  };
}

export async function startSimKubeletServer(o: { caPem?: string; nodes: SimNodeLookup; bootTime: number; port?: number }): Promise<SimKubeletServer> {
  const ca = await createCa('k8ts-sim-kubelet-ca');
  const tls = await issueCert(ca, { commonName: 'k8ts-sim-kubelet', usage: 'server' });
  const server: Server = createServer({ key: tls.key, cert: tls.cert, ca: o.caPem, requestCert: true, rejectUnauthorized: false }, (req: IncomingMessage, res: ServerResponse) => {
    const sock = req.socket as TLSSocket;
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const local = (sock.localAddress ?? '').replace(/^::ffff:/, '');
    const node = o.nodes.byAddress(local);
    if (!node) return send(404, '404 page not found');
    if (!sock.authorized) return send(401, 'Unauthorized');
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(200, 'ok');
    if (path === '/stats/summary' || path === '/stats/summary/') return send(200, JSON.stringify(simSummary(node.name, node.runtime, o.bootTime)), 'application/json');
    send(404, '404 page not found');
  });
  server.on('tlsClientError', () => undefined);
  // Every address of the host: the nodes' loopback addresses (connections to others find no node).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
