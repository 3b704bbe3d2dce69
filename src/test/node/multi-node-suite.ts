// Issue 10, acceptance 3: three real nodes on one machine (network namespaces on a host bridge),
// their pods one network: pod to pod across nodes by IP without NAT, a Service reaching pods on
// other nodes, NodePort on a node with no local endpoint, masquerading only of what leaves the
// cluster, and a stopped agent's pods leaving the Service once they are not ready. One suite, run
// by multi-node-vxlan.test.ts and multi-node-host-gw.test.ts (a file each keeps each under the
// runner's per-file timeout).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE } from '../../kubelet/images/builtin.js';
import { eventually } from '../harness.js';
import { startMultiNodeCluster, type MultiNodeCluster } from '../multi-node-harness.js';
import { get } from './service-fixtures.js';

// The server answers with the address it saw and its own name: who connected, and who answered.
const WEB_SCRIPT = [
  `mkdir -p /www/cgi-bin`,
  `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n%%s %s\\\\n" "$REMOTE_ADDR"\\n' "$(hostname)" > /www/cgi-bin/ip`,
  `chmod +x /www/cgi-bin/ip`,
  // 256 KiB: many full-size packets, which the VXLAN overhead must not make too big for the link.
  `head -c 262144 /dev/zero | tr '\\0' x > /www/big`,
  `exec httpd -f -p 8080 -h /www`,
].join(' && ');

function pod(name: string, node: string, labels: Record<string, string>, command: string[], readiness = false): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: 'main',
          image: BUSYBOX_IMAGE,
          imagePullPolicy: 'Never',
          command,
          ...(readiness ? { ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 } } : {}),
        },
      ],
    },
  });
}

/**
 * One HTTP/1.0 GET from inside a pod with busybox nc: the image's wget (Debian's busybox-static)
 * dies with SIGSEGV in these containers, even against a literal address.
 */
const fetchIn = (host: string, port: number, path = '/') => ['sh', '-c', `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${host} ${port}`];

/** The body of an HTTP response, and busybox httpd's "[::ffff:a.b.c.d]" as "a.b.c.d". */
function body(response: string): string {
  const at = response.indexOf('\r\n\r\n');
  if (!response.startsWith('HTTP/1.') || at < 0) throw new Error(`not an HTTP response: ${JSON.stringify(response.slice(0, 200))}`);
  return response.slice(at + 4).trim().replace(/^\[(::ffff:)?([^\]]+)\]/, '$2');
}

export function multiNodeSuite(backend: 'vxlan' | 'host-gw'): void {
  describe(`three nodes, one pod network (${backend})`, { timeout: 240_000 }, () => {
    let c: MultiNodeCluster;
    const ips: Record<string, string> = {};
    let clusterIP = '';
    let nodePort = 0;

    before(async () => {
      // A short grace period (upstream's is 40 s), still twice the agents' 10 s lease renewal so
      // that a busy machine does not make a live node Unknown.
      c = await startMultiNodeCluster({ nodes: 3, flannelBackend: backend, nodeLifecycle: { nodeMonitorGracePeriodMs: 20_000, nodeMonitorPeriodMs: 1000 } });
      const [n0, n1, n2] = c.nodes.map((n) => n.name) as [string, string, string];
      for (const y of [
        pod('web-1', n1, { app: 'web' }, ['sh', '-c', WEB_SCRIPT], true),
        pod('web-2', n2, { app: 'web' }, ['sh', '-c', WEB_SCRIPT], true),
        pod('client-0', n0, {}, ['sleep', '3600']),
        pod('client-1', n1, {}, ['sleep', '3600']),
        JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }),
      ])
        await c.apply(y);
      for (const name of ['web-1', 'web-2', 'client-0', 'client-1']) {
        const p = await c.waitPod(name, (x) => x.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'True'), 90_000);
        ips[name] = p.status.podIP;
      }
      const svc = (await c.http('GET', '/api/v1/namespaces/default/services/web')).json();
      clusterIP = svc.spec.clusterIP;
      nodePort = svc.spec.ports[0].nodePort;
    });

    after(async () => {
      await c?.stop();
    });

    it('publishes each node on its Node as flannel does, with pod CIDRs apart', async () => {
      const nodes = (await c.http('GET', '/api/v1/nodes')).json().items as any[];
      assert.equal(nodes.length, 3);
      assert.equal(new Set(nodes.map((n) => n.spec.podCIDR)).size, 3);
      for (const n of nodes) {
        const a = n.metadata.annotations;
        assert.equal(a['flannel.alpha.coreos.com/backend-type'], backend);
        assert.equal(a['flannel.alpha.coreos.com/public-ip'], c.nodes.find((x) => x.name === n.metadata.name)!.ip);
        if (backend === 'vxlan') assert.match(JSON.parse(a['flannel.alpha.coreos.com/backend-data']).VtepMAC, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      }
      const routes = await c.nodes[0]!.exec(['ip', 'route', 'show', 'proto', '75']);
      assert.equal(routes.stdout.trim().split('\n').length, 2, routes.stdout);
    });

    const ask = async (client: string, host: string, port: number, path = '/cgi-bin/ip') => body(await c.execPod(client, fetchIn(host, port, path)));

    it('pod to pod across nodes by IP: the server sees the client pod\'s own address', async () => {
      for (const target of ['web-1', 'web-2']) {
        const out = await eventually(() => ask('client-0', ips[target]!, 8080), 20_000, 500);
        assert.equal(out, `${ips['client-0']} ${target}`);
      }
      // And between two other nodes.
      assert.equal(await ask('client-1', ips['web-2']!, 8080), `${ips['client-1']} web-2`);
    });

    it('pods get an MTU that fits the pod network, and large responses cross nodes whole', async () => {
      const mtu = Number((await c.execPod('client-0', ['cat', '/sys/class/net/eth0/mtu'])).trim());
      assert.equal(mtu, backend === 'vxlan' ? 1450 : 1500);
      // The whole response, and what of its last 256 KiB is not the file's byte.
      const script = `printf 'GET /big HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ips['web-2']} 8080 > /tmp/r; wc -c < /tmp/r; tail -c 262144 /tmp/r | tr -d x | wc -c`;
      // busybox nc under a loaded machine sometimes gets nothing at all (0 bytes, at once): ask again.
      let last = '';
      const [total, stray] = await eventually(async () => {
        last = (await c.execPod('client-0', ['sh', '-c', script])).trim();
        const got = last.split(/\s+/).map(Number);
        return got[0]! > 0 ? got : undefined;
      }, 15_000, 500).catch(() => [0, 0]);
      assert.ok(total! > 262144, `${total} bytes (${last})`);
      assert.equal(stray, 0);
    });

    it('a Service reaches pods on other nodes by ClusterIP, without NAT of the pod', async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 30 && seen.size < 2; i++) {
        const [client, server] = (await ask('client-0', clusterIP, 80)).split(' ');
        assert.equal(client, ips['client-0']);
        seen.add(server!);
      }
      assert.deepEqual([...seen].sort(), ['web-1', 'web-2']);
    });

    it('NodePort answers on a node with no local endpoint', async () => {
      const out = await eventually(() => get(`http://${c.nodes[0]!.ip}:${nodePort}/cgi-bin/ip`, 5000), 20_000, 500);
      const [client, server] = out.replace(/^\[(::ffff:)?([^\]]+)\]/, '$2').split(' ');
      assert.match(server!, /^web-[12]$/);
      // Traffic from outside the cluster is masqueraded by the proxy on its way to another node.
      assert.notEqual(client, c.hostIP);
    });

    it('masquerades pod → outside the cluster to the node\'s address, never pod → pod', async () => {
      const server: Server = createServer((req, res) => res.end(`${req.socket.remoteAddress}\n`));
      await new Promise<void>((r) => server.listen(0, c.hostIP, r));
      try {
        const port = (server.address() as { port: number }).port;
        for (const [client, node] of [['client-0', 0], ['client-1', 1]] as const) {
          const seen = await ask(client, c.hostIP, port, '/');
          assert.equal(seen, c.nodes[node]!.ip, `${client} reached the host as ${seen}`);
        }
        assert.equal((await ask('client-0', ips['web-1']!, 8080)).split(' ')[0], ips['client-0']);
      } finally {
        server.close();
      }
    });

    it('a stopped agent: its node goes Unknown, its pods stop being ready endpoints, the Service keeps answering', async () => {
      const gone = c.nodes[2]!;
      await gone.stopAgent();
      await eventually(async () => {
        const n = (await c.http('GET', `/api/v1/nodes/${gone.name}`)).json();
        return n.status.conditions.find((k: any) => k.type === 'Ready')?.status === 'Unknown';
      }, 60_000, 500);
      await c.waitPod('web-2', (p) => p.status?.conditions?.some((k: any) => k.type === 'Ready' && k.status === 'False'), 30_000);
      await eventually(async () => {
        const slices = (await c.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb')).json().items as any[];
        const eps = slices.flatMap((s) => s.endpoints ?? []);
        const ready = eps.filter((e: any) => e.conditions?.ready !== false).map((e: any) => e.targetRef?.name);
        return ready.length === 1 && ready[0] === 'web-1';
      }, 30_000, 500);
      // The proxies drop it (after their next sync): every request is answered by the pod on the live node.
      await new Promise((r) => setTimeout(r, 1000));
      for (let i = 0; i < 10; i++) {
        const out = await eventually(() => ask('client-0', clusterIP, 80), 10_000, 300);
        assert.equal(out.split(' ')[1], 'web-1');
      }
    });

    it('deleting the stopped node takes the other nodes\' routes to its pods away', async () => {
      const gone = c.nodes[2]!;
      const cidr = (await c.http('GET', `/api/v1/nodes/${gone.name}`)).json().spec.podCIDR as string;
      const routes = async () => (await c.nodes[0]!.exec(['ip', 'route', 'show', 'proto', '75'])).stdout;
      assert.ok((await routes()).includes(cidr), await routes());
      assert.equal((await c.http('DELETE', `/api/v1/nodes/${gone.name}`)).status, 200);
      await eventually(async () => !(await routes()).includes(cidr), 15_000, 200);
      assert.equal((await routes()).trim().split('\n').length, 1);
      if (backend === 'vxlan') {
        const fdb = (await c.nodes[0]!.exec(['bridge', 'fdb', 'show', 'dev', c.flannelDevice])).stdout;
        assert.ok(!fdb.includes(`dst ${gone.ip}`), fdb);
      }
    });

    it('k8ts agent --cleanup removes the pod network\'s device, routes and masquerade table', async () => {
      const gone = c.nodes[2]!;
      assert.equal((await gone.exec(['nft', 'list', 'table', 'ip', 'k8ts-podnet'])).code, 0);
      assert.notEqual((await gone.exec(['ip', 'route', 'show', 'proto', '75'])).stdout.trim(), '');
      if (backend === 'vxlan') assert.equal((await gone.exec(['ip', 'link', 'show', c.flannelDevice])).code, 0);
      const r = await gone.k8ts(['agent', '--cleanup', '--flannel-device', c.flannelDevice]);
      assert.equal(r.code, 0, r.stderr);
      assert.notEqual((await gone.exec(['nft', 'list', 'table', 'ip', 'k8ts-podnet'])).code, 0);
      assert.equal((await gone.exec(['ip', 'route', 'show', 'proto', '75'])).stdout.trim(), '');
      assert.notEqual((await gone.exec(['ip', 'link', 'show', c.flannelDevice])).code, 0);
    });
  });
}
