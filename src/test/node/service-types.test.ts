// Issue 10, acceptance 2 (and the LoadBalancer half of 6): one real node with its service proxy
// (its own nft table) and its cluster DNS, and every Service type reached as a user reaches it:
// a NodePort from the host on the node address; a LoadBalancer from ServiceLB with its
// EXTERNAL-IP in `kubectl get svc`, answering there; ExternalName as a CNAME and a headless
// StatefulSet Service by pod IP and pod name, from a busybox pod's nslookup; sessionAffinity
// ClientIP; externalTrafficPolicy Local keeping the client's address (seen by the pod's CGI) for
// a client in a network namespace of the test's own, where Cluster policy masquerades it;
// externalIPs (the cluster allows them); a second LoadBalancer on a held port Pending with a
// Warning Event while the proxy goes on programming other Services.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as packet from 'dns-packet';
import { gatewayOf } from '../../dns/run.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { addressInRange, startNodeServices, type NodeServices } from '../../cluster/node-services.js';
import { cleanupIptables } from '../../proxy/iptables/proxier.js';
import { cleanupNftables } from '../../proxy/nftables/proxier.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';
import { get, runningPods, unusedPort } from './service-fixtures.js';

const run = promisify(execFile);

/** httpd whose /cgi-bin/ip answers "<pod name> <client address>": what the server side sees. */
const whoami = {
  name: 'httpd',
  image: TEST_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', [
    'mkdir -p /www/cgi-bin && hostname > /www/index.html',
    `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\\\n\\\\r\\\\n%%s %%s\\\\n" "$(hostname)" "$REMOTE_ADDR"\\n' > /www/cgi-bin/ip`,
    'chmod +x /www/cgi-bin/ip',
    'exec httpd -f -p 80 -h /www',
  ].join(' && ')],
  ports: [{ containerPort: 80 }],
};

const deployment = (name: string, replicas: number) => JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: 2, containers: [whoami] } } },
});

/** A Service without a selector and the EndpointSlice a test writes for it (addresses on a node of its choice). */
function manualService(name: string, spec: Record<string, unknown>, port: { name: string; port: number; protocol: string }, endpoints: { ip: string; nodeName: string }[]): string[] {
  return [
    JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ ...port, targetPort: port.port }], ...spec } }),
    JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-manual`, labels: { 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': 'service-types.test' } },
      addressType: 'IPv4',
      ports: [port],
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], nodeName: e.nodeName, conditions: { ready: true, serving: true, terminating: false } })),
    }),
  ];
}

/** One UDP datagram from the network namespace; the answer, or undefined (a node child process: busybox has no UDP client). */
async function udpFromNetns(netns: string, host: string, port: number, payload: Buffer): Promise<Buffer | undefined> {
  const script = `const s=require('dgram').createSocket('udp4');s.on('message',(m)=>{process.stdout.write(m.toString('hex'));process.exit(0)});s.send(Buffer.from(process.argv[1],'hex'),${port},'${host}');setTimeout(()=>process.exit(1),2000)`;
  const r = await run('ip', ['netns', 'exec', netns, process.execPath, '-e', script, payload.toString('hex')]).catch(() => undefined);
  return r?.stdout ? Buffer.from(r.stdout, 'hex') : undefined;
}

const service = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 80 }], ...spec } });

describe('a real node: every Service type (issue 10, acceptance 2)', () => {
  let c: NodeTestCluster | undefined;
  let services: NodeServices | undefined;
  let nodeIP = '';
  let lbPort = 0;
  const svc: Record<string, any> = {};
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const table = `k8ts-test-${tag}`;
  const prefix = `KT${tag.toUpperCase()}`;
  // The outside client: a network namespace joined to the host by a veth pair on a /30 of our own.
  const netns = `k8ts-cl-${tag}`;
  const veth = `kc${tag}h`;
  let hostSide = '';
  let clientIP = '';
  let externalIP = '';
  const appPods = () => runningPods(c!, 'app=app');
  /** Runs a command in the client pod: its stdout (kubectl's own stderr notices stay out of it). */
  const inClient = async (...cmd: string[]) => {
    const r = await c!.kubectl(['exec', 'client', '--', ...cmd]);
    return { ok: r.code === 0, out: r.stdout, err: r.stderr };
  };
  /** A GET from the network namespace (curl: the static busybox's wget crashes in a fresh netns): the body, or "" on failure. */
  const fromOutside = async (url: string) => {
    const r = await run('ip', ['netns', 'exec', netns, 'curl', '-sf', '-m', '3', url]).catch((err: Error & { stderr?: string }) => {
      if (process.env['K8TS_TEST_LOG']) process.stderr.write(`[outside] ${url}: ${err.message}\n`);
      return { stdout: '' };
    });
    return r.stdout.trim();
  };
  /** The client address the pod's CGI saw (busybox httpd listens on IPv6 and writes "[::ffff:a.b.c.d]"). */
  const seenBy = (body: string) => (body.split(' ')[1] ?? '').replace(/^\[::ffff:(.*)\]$/, '$1');
  const fetchService = async (name: string) => (svc[name] = (await c!.http('GET', `/api/v1/namespaces/default/services/${name}`)).json());

  before(async () => {
    const clusterCidr = await unusedClusterCidr();
    let serviceCidr: string;
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    let outside: string;
    do outside = await unusedClusterCidr();
    while (outside === clusterCidr || outside === serviceCidr);
    [hostSide, clientIP, externalIP] = [1, 2, 9].map((n) => addressInRange(outside, n));
    const clusterDNS = addressInRange(serviceCidr, 10);
    c = await startNodeTestCluster({ clusterCidr, serviceCidr, allowServiceExternalIPs: true, agent: { clusterDNS } });
    const log = process.env['K8TS_TEST_LOG'] ? (line: string) => process.stderr.write(`[node-services] ${line}\n`) : undefined;
    services = await startNodeServices({ client: loadKubeconfig(c.kubeconfig), nodeName: c.nodeName, clusterCIDR: clusterCidr, serviceCIDR: serviceCidr, cniBridge: c.bridge, proxy: { table, chainPrefix: prefix }, log });
    assert.ok(await services.dns, 'the DNS came up');
    nodeIP = (await c.http('GET', `/api/v1/nodes/${c.nodeName}`)).json().status.addresses.find((a: any) => a.type === 'InternalIP').address;

    await run('ip', ['netns', 'add', netns]);
    await run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
    await run('ip', ['addr', 'add', `${hostSide}/30`, 'dev', veth]);
    await run('ip', ['link', 'set', veth, 'up']);
    for (const args of [['addr', 'add', `${clientIP}/30`, 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'], ['link', 'set', 'lo', 'up'], ['route', 'add', `${nodeIP}/32`, 'via', hostSide], ['route', 'add', `${externalIP}/32`, 'via', hostSide]]) {
      await run('ip', ['netns', 'exec', netns, 'ip', ...args]);
    }

    lbPort = await unusedPort();
    await c.apply(deployment('app', 2));
    await c.apply(service('app-np', { type: 'NodePort' }));
    await c.apply(service('app-lb', { type: 'LoadBalancer', ports: [{ port: lbPort, targetPort: 80 }] }));
    await c.apply(service('app-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: lbPort + 1, targetPort: 80 }] }));
    await c.apply(service('sticky', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } } }));
    await c.apply(service('app-ext', { externalIPs: [externalIP] }));
    await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext-name' }, spec: { type: 'ExternalName', externalName: 'app-np.default.svc.cluster.local' } }));
    await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { clusterIP: 'None', selector: { app: 'sts' }, ports: [{ port: 80 }] } }));
    await c.apply(JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: { serviceName: 'nginx', replicas: 2, selector: { matchLabels: { app: 'sts' } }, template: { metadata: { labels: { app: 'sts' } }, spec: { terminationGracePeriodSeconds: 2, containers: [whoami] } } },
    }));
    await c.apply(podYaml('client', { containers: [{ name: 'sh', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] }));
    await c.waitPod('client', (p) => p.status?.phase === 'Running', 60_000);
    await eventually(async () => (await appPods()).length === 2 && (await runningPods(c!, 'app=sts')).length === 2, 90_000, 200);
    for (const name of ['app-np', 'app-lb', 'app-local', 'sticky', 'app-ext']) await fetchService(name);
  });

  after(async () => {
    // Whatever happened above, the host keeps none of our rules, namespaces or links.
    await services?.stop({ cleanup: true }).catch(() => undefined);
    await cleanupNftables(table).catch(() => undefined);
    await cleanupIptables(prefix).catch(() => undefined);
    await run('ip', ['link', 'del', veth]).catch(() => undefined);
    await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    await c?.stop();
    assert.ok(!(await run('nft', ['list', 'tables'])).stdout.includes(table), 'nft table left behind');
    assert.ok(!(await run('ip', ['netns', 'list'])).stdout.includes(netns), 'network namespace left behind');
  });

  it('a NodePort answers from the host on the node address (and not on 127.0.0.1)', async () => {
    const pods = await appPods();
    const url = `http://${nodeIP}:${svc['app-np'].spec.ports[0].nodePort}/`;
    const body = await eventually(() => get(url).catch(() => undefined), 15_000, 100);
    assert.ok(pods.includes(body), body);
    await assert.rejects(get(`http://127.0.0.1:${svc['app-np'].spec.ports[0].nodePort}/`, 1500));
  });

  it('a LoadBalancer gets the node address as EXTERNAL-IP in kubectl get svc, and answers there', async () => {
    await eventually(async () => (await fetchService('app-lb')).status?.loadBalancer?.ingress?.length > 0, 15_000, 100);
    assert.deepEqual(svc['app-lb'].status.loadBalancer.ingress, [{ ip: nodeIP, ipMode: 'VIP' }]);
    const r = await c!.kubectl(['get', 'svc', 'app-lb']);
    assert.match(r.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m, r.stdout);
    const esc = (ip: string) => ip.replace(/\./g, '\\.');
    assert.match(r.stdout, new RegExp(`^app-lb\\s+LoadBalancer\\s+${esc(svc['app-lb'].spec.clusterIP)}\\s+${esc(nodeIP)}\\s+${lbPort}:\\d+/TCP`, 'm'), r.stdout);
    const pods = await appPods();
    const fromHost = await eventually(() => get(`http://${nodeIP}:${lbPort}/`).catch(() => undefined), 15_000, 100);
    assert.ok(pods.includes(fromHost), fromHost);
    const fromOutsideBody = await eventually(() => fromOutside(`http://${nodeIP}:${lbPort}/`), 15_000, 200);
    assert.ok(pods.includes(fromOutsideBody), fromOutsideBody);
  });

  it('an ExternalName Service resolves as a CNAME (nslookup from a busybox pod)', async () => {
    const r = await inClient('nslookup', '-type=CNAME', 'ext-name.default.svc.cluster.local');
    assert.match(r.out, /ext-name\.default\.svc\.cluster\.local\s+canonical name = app-np\.default\.svc\.cluster\.local/, r.out);
  });

  it('a headless Service lists the pod IPs, and StatefulSet pod names resolve', async () => {
    const pods = (await c!.http('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dsts')).json().items;
    const ipOf = new Map<string, string>(pods.map((p: any) => [p.metadata.name, p.status.podIP]));
    assert.deepEqual([...ipOf.keys()].sort(), ['web-0', 'web-1']);
    const listed = await eventually(async () => {
      const r = await inClient('nslookup', 'nginx.default.svc.cluster.local');
      const ips = [...r.out.matchAll(/Address:\s+(\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]!).filter((ip) => [...ipOf.values()].includes(ip));
      return ips.length === 2 ? ips.sort() : undefined;
    }, 15_000, 500);
    assert.deepEqual(listed, [...ipOf.values()].sort());
    for (const [name, ip] of ipOf) {
      const r = await inClient('nslookup', `${name}.nginx.default.svc.cluster.local`);
      assert.match(r.out, new RegExp(`Name:\\s+${name}\\.nginx\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${ip.replace(/\./g, '\\.')}\\s`), r.out);
    }
    // And a pod reaches a StatefulSet pod by that name.
    const web0 = await inClient('timeout', '5', 'wget', '-qO-', 'http://web-0.nginx.default.svc.cluster.local/');
    assert.equal(web0.out.trim(), 'web-0');
  });

  it('sessionAffinity ClientIP keeps a client on one pod over many requests', async () => {
    const ip = svc['sticky'].spec.clusterIP;
    const first = await eventually(async () => {
      const r = await inClient('timeout', '5', 'wget', '-qO-', `http://${ip}/`);
      return r.ok ? r.out.trim() : undefined;
    }, 15_000, 300);
    assert.ok((await appPods()).includes(first), first);
    for (let i = 0; i < 20; i++) assert.equal((await inClient('timeout', '5', 'wget', '-qO-', `http://${ip}/`)).out.trim(), first);
    // From the host too (another client address: another, equally sticky, choice).
    const hostFirst = await get(`http://${ip}/`);
    for (let i = 0; i < 30; i++) assert.equal(await get(`http://${ip}/`), hostFirst);
  });

  it('externalTrafficPolicy Local keeps the client address; Cluster policy masquerades it', async () => {
    await eventually(async () => (await fetchService('app-local')).status?.loadBalancer?.ingress?.length > 0, 15_000, 100);
    const local = svc['app-local'];
    for (const url of [`http://${nodeIP}:${local.spec.ports[0].nodePort}/cgi-bin/ip`, `http://${nodeIP}:${lbPort + 1}/cgi-bin/ip`]) {
      const body = await eventually(() => fromOutside(url), 15_000, 200);
      assert.ok((await appPods()).includes(body.split(' ')[0]!), body);
      assert.equal(seenBy(body), clientIP, `${url}: the pod saw ${body}`);
    }
    const cluster = await eventually(() => fromOutside(`http://${nodeIP}:${svc['app-np'].spec.ports[0].nodePort}/cgi-bin/ip`), 15_000, 200);
    assert.match(seenBy(cluster), /^\d+\.\d+\.\d+\.\d+$/, cluster);
    assert.notEqual(seenBy(cluster), clientIP, `Cluster policy: ${cluster}`);
    // The health-check node port tells a load balancer this node has local endpoints.
    const hc = local.spec.healthCheckNodePort;
    assert.ok(hc >= 30000 && hc <= 32767, String(hc));
    const health = JSON.parse(await eventually(() => get(`http://${nodeIP}:${hc}/`).catch(() => undefined), 10_000, 100));
    assert.deepEqual(health, { service: { namespace: 'default', name: 'app-local' }, localEndpoints: 2, serviceProxyHealthy: true });
  });

  it('terminating endpoints: a deleted pod still serving (its preStop hook runs) keeps taking Local and Cluster traffic while no ready endpoint is left', async () => {
    await c!.apply(podYaml('term', { terminationGracePeriodSeconds: 30, containers: [{ ...whoami, lifecycle: { preStop: { exec: { command: ['sleep', '20'] } } } }] }, { labels: { app: 'term' } }));
    await c!.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'term' }, spec: { type: 'NodePort', externalTrafficPolicy: 'Local', selector: { app: 'term' }, ports: [{ port: 80, targetPort: 80 }] } }));
    const term = await fetchService('term');
    const nodePortURL = `http://${nodeIP}:${term.spec.ports[0].nodePort}/`;
    assert.equal(await eventually(() => fromOutside(nodePortURL), 60_000, 200), 'term');
    assert.equal((await c!.http('DELETE', '/api/v1/namespaces/default/pods/term')).status, 200);
    await eventually(async () => {
      const slices = (await c!.http('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dterm')).json().items;
      const e = slices.flatMap((sl: any) => sl.endpoints ?? [])[0];
      return e?.conditions?.terminating === true && e.conditions.serving === true && e.conditions.ready === false;
    }, 10_000, 100);
    // Give the proxy a moment past the slice change, then the terminating pod must still answer.
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 5; i++) {
      assert.equal(await fromOutside(nodePortURL), 'term', 'Local policy falls back to the serving, terminating endpoint');
      assert.equal(await get(`http://${term.spec.clusterIP}/`), 'term', 'Cluster policy too');
    }
  });

  it('externalIPs (allowed in this cluster) are served for traffic routed to the node', async () => {
    const body = await eventually(() => fromOutside(`http://${externalIP}/`), 15_000, 200);
    assert.ok((await appPods()).includes(body), body);
    const r = await c!.kubectl(['get', 'svc', 'app-ext']);
    assert.match(r.stdout, new RegExp(`^app-ext\\s+ClusterIP\\s+\\S+\\s+${externalIP.replace(/\./g, '\\.')}\\s+80/TCP`, 'm'), r.stdout);
  });

  it('loadBalancerSourceRanges: the load balancer IP takes clients in the ranges and drops the others', async () => {
    const [allowPort, denyPort] = [await unusedPort(), await unusedPort()];
    await c!.apply(service('fw-allow', { type: 'LoadBalancer', loadBalancerSourceRanges: [`${clientIP}/32`], ports: [{ port: allowPort, targetPort: 80 }] }));
    await c!.apply(service('fw-deny', { type: 'LoadBalancer', loadBalancerSourceRanges: ['198.51.100.0/24'], ports: [{ port: denyPort, targetPort: 80 }] }));
    for (const name of ['fw-allow', 'fw-deny']) await eventually(async () => (await fetchService(name)).status?.loadBalancer?.ingress?.length > 0, 15_000, 100);
    const body = await eventually(() => fromOutside(`http://${nodeIP}:${allowPort}/`), 15_000, 200);
    assert.ok((await appPods()).includes(body), body);
    assert.equal(await fromOutside(`http://${nodeIP}:${denyPort}/`), '', 'a client outside the ranges is dropped');
    // The node's own address is outside both ranges too: its request is dropped, not answered by the pod.
    await assert.rejects(get(`http://${nodeIP}:${denyPort}/`, 1500));
  });

  it('UDP: a NodePort to the node’s DNS answers a query sent from outside', async () => {
    // The cluster DNS listens on the bridge gateway, UDP 53: a NodePort Service in front of it.
    const gateway = gatewayOf(c!.podCIDR)!;
    for (const doc of manualService('dns-udp', { type: 'NodePort' }, { name: 'dns', port: 53, protocol: 'UDP' }, [{ ip: gateway, nodeName: c!.nodeName }])) await c!.apply(doc);
    const nodePort = (await fetchService('dns-udp')).spec.ports[0].nodePort;
    const query = packet.encode({ type: 'query', id: 4242, flags: packet.RECURSION_DESIRED, questions: [{ type: 'A', name: 'app-np.default.svc.cluster.local' }] });
    const answer = await eventually(() => udpFromNetns(netns, nodeIP, nodePort, query), 15_000, 200);
    const decoded = packet.decode(answer);
    assert.equal(decoded.id, 4242);
    assert.deepEqual(decoded.answers?.map((a) => (a as { data: unknown }).data), [svc['app-np'].spec.clusterIP]);
  });

  it('internalTrafficPolicy Local: a pod reaches only endpoints on its node; with none there the ClusterIP drops', async () => {
    const target = (await c!.http('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dapp')).json().items[0];
    const port = { name: 'http', port: 80, protocol: 'TCP' };
    // The same pod, listed once as on this node and once as on a node that does not exist.
    for (const doc of [
      ...manualService('itp-here', { internalTrafficPolicy: 'Local' }, port, [{ ip: target.status.podIP, nodeName: c!.nodeName }]),
      ...manualService('itp-elsewhere', { internalTrafficPolicy: 'Local' }, port, [{ ip: target.status.podIP, nodeName: 'some-other-node' }]),
      ...manualService('itp-cluster', {}, port, [{ ip: target.status.podIP, nodeName: 'some-other-node' }]),
    ]) await c!.apply(doc);
    const ips = Object.fromEntries(await Promise.all(['itp-here', 'itp-elsewhere', 'itp-cluster'].map(async (n) => [n, (await fetchService(n)).spec.clusterIP])));
    for (const name of ['itp-here', 'itp-cluster']) {
      const body = await eventually(async () => {
        const r = await inClient('timeout', '3', 'wget', '-qO-', `http://${ips[name]}/`);
        return r.ok ? r.out.trim() : undefined;
      }, 15_000, 300);
      assert.equal(body, target.metadata.name, name);
    }
    const started = Date.now();
    const dropped = await inClient('timeout', '3', 'wget', '-qO-', `http://${ips['itp-elsewhere']}/`);
    assert.equal(dropped.ok, false, dropped.out + dropped.err);
    assert.ok(Date.now() - started >= 2500, 'dropped (a timeout), not refused');
  });

  it('a LoadBalancer on a port already held on the node stays Pending with a Warning Event; the proxy keeps programming other Services', async () => {
    await c!.apply(service('app-lb-again', { type: 'LoadBalancer', ports: [{ port: lbPort, targetPort: 80 }] }));
    const event = await eventually(async () => {
      const items = (await c!.http('GET', '/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dapp-lb-again')).json().items;
      return items.find((e: any) => e.reason === 'SyncLoadBalancerFailed');
    }, 15_000, 200);
    assert.equal(event.type, 'Warning');
    assert.match(event.message, new RegExp(`0/1 nodes are available: .*${lbPort}/TCP held by default/app-lb`), event.message);
    const described = await c!.kubectl(['describe', 'svc', 'app-lb-again']);
    assert.match(described.stdout, /Warning\s+SyncLoadBalancerFailed/, described.stdout);
    const r = await c!.kubectl(['get', 'svc', 'app-lb-again']);
    assert.match(r.stdout, /^app-lb-again\s+LoadBalancer\s+\S+\s+<pending>\s/m, r.stdout);
    // The first still answers there, and a Service made after the conflict is programmed.
    assert.ok((await appPods()).includes(await get(`http://${nodeIP}:${lbPort}/`)));
    await c!.apply(service('after-conflict', {}));
    const ip = (await fetchService('after-conflict')).spec.clusterIP;
    const body = await eventually(() => get(`http://${ip}/`).catch(() => undefined), 15_000, 100);
    assert.ok((await appPods()).includes(body), body);
  });
});
