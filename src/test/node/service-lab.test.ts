// Issue 10, acceptance 1 (the seeds' service lab): one real node with its service proxy and its
// cluster DNS started by the launcher `k8ts agent` and `k8ts server` use, a Deployment of three
// httpd pods behind `nginx-service` (8000 → 80), reached from a busybox pod by ClusterIP and by
// every DNS name, the API reached at https://kubernetes.default.svc, and the balance and
// deletion checks through the ClusterIP. The test's own nft table, chain prefix, service range
// and cluster DNS IP (the range's 10th address) keep it apart from other tests.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { addressInRange, startNodeServices, type NodeServices } from '../../cluster/node-services.js';
import { cleanupIptables } from '../../proxy/iptables/proxier.js';
import { cleanupNftables } from '../../proxy/nftables/proxier.js';
import { eventually } from '../harness.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';
import { assertBalanced, assertLeavesRotation, get, httpd, proxyHasEndpoints, runningPods } from './service-fixtures.js';

const run = promisify(execFile);

describe('a real node with its node services: the service lab', () => {
  let c: NodeTestCluster | undefined;
  let services: NodeServices | undefined;
  let clusterIP = '';
  let clusterDNS = '';
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const table = `k8ts-test-${tag}`;
  const prefix = `KT${tag.toUpperCase()}`;
  const nginxPods = () => runningPods(c!, 'app=nginx');
  /** Runs a command in the client pod; stdout and stderr together. */
  const inClient = async (...cmd: string[]) => {
    const r = await c!.kubectl(['exec', 'client', '--', ...cmd]);
    return { ok: r.code === 0, out: r.stdout + r.stderr };
  };

  before(async () => {
    const clusterCidr = await unusedClusterCidr();
    let serviceCidr: string;
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    clusterDNS = addressInRange(serviceCidr, 10);
    // Pods reach the API server through the kubernetes Service only if it listens beyond loopback.
    c = await startNodeTestCluster({ clusterCidr, serviceCidr, bindAddress: '0.0.0.0', agent: { clusterDNS } });
    const log = process.env['K8TS_TEST_LOG'] ? (line: string) => process.stderr.write(`[node-services] ${line}\n`) : undefined;
    services = await startNodeServices({ client: loadKubeconfig(c.kubeconfig), nodeName: c.nodeName, clusterCIDR: clusterCidr, serviceCIDR: serviceCidr, cniBridge: c.bridge, proxy: { table, chainPrefix: prefix }, networkPolicy: { table: `${table}-np` }, ingress: false, log });
    const dns = await services.dns;
    assert.ok(dns, 'the DNS came up');
    assert.equal(dns.address.host, addressInRange(c.podCIDR, 1), 'on the pod bridge gateway, before any pod');
    await c.apply(JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } }, template: { metadata: { labels: { app: 'nginx' } }, spec: { terminationGracePeriodSeconds: 2, containers: [httpd] } } },
    }));
    await c.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx-service' }, spec: { selector: { app: 'nginx' }, ports: [{ port: 8000, targetPort: 80 }] } }));
    clusterIP = (await c.http('GET', '/api/v1/namespaces/default/services/nginx-service')).json().spec.clusterIP;
    // Created after the Service, so its environment names it.
    await c.apply(podYaml('client', { containers: [{ name: 'sh', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] }));
    await c.waitPod('client', (p) => p.status?.phase === 'Running', 60_000);
    await eventually(async () => (await nginxPods()).length === 3, 60_000, 200);
  });

  after(async () => {
    // Whatever happened above, the host keeps none of our rules.
    await services?.stop({ cleanup: true }).catch(() => undefined);
    await cleanupNftables(table).catch(() => undefined);
    await cleanupIptables(prefix).catch(() => undefined);
    await c?.stop();
    assert.ok(!(await run('nft', ['list', 'tables'])).stdout.includes(table), 'nft table left behind');
  });

  it('publishes kube-dns at the cluster DNS IP, with this node’s endpoint', async () => {
    const svc = (await c!.http('GET', '/api/v1/namespaces/kube-system/services/kube-dns')).json();
    assert.equal(svc.spec.clusterIP, clusterDNS);
    const slice = (await c!.http('GET', `/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices/kube-dns-${c!.nodeName}`)).json();
    assert.deepEqual(slice.endpoints.map((e: any) => e.addresses[0]), [addressInRange(c!.podCIDR, 1)]);
  });

  it('a pod reaches nginx-service by ClusterIP and by every DNS name, port 8000', async () => {
    const pods = await nginxPods();
    for (const host of [clusterIP, 'nginx-service', 'nginx-service.default', 'nginx-service.default.svc.cluster.local']) {
      let last = '';
      await eventually(async () => {
        const got = await inClient('timeout', '5', 'wget', '-qO-', `http://${host}:8000/`);
        last = got.out;
        return got.ok && pods.includes(got.out.trim());
      }, 15_000, 500).catch(() => assert.fail(`${host}: ${last}`));
    }
  });

  it('nslookup nginx-service answers with the ClusterIP', async () => {
    // busybox's nslookup also walks the search path for AAAA and exits 1 on the last NXDOMAIN,
    // as it does against CoreDNS; the A answer is what the lab reads.
    const r = await inClient('nslookup', 'nginx-service');
    assert.match(r.out, new RegExp(`Name:\\s+nginx-service\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${clusterIP.replace(/\./g, '\\.')}\\s`), r.out);
  });

  it('the pod has the service’s environment variables', async () => {
    const r = await inClient('env');
    assert.match(r.out, new RegExp(`^NGINX_SERVICE_SERVICE_HOST=${clusterIP.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(r.out, /^NGINX_SERVICE_SERVICE_PORT=8000$/m);
    assert.match(r.out, new RegExp(`^NGINX_SERVICE_PORT=tcp://${clusterIP.replace(/\./g, '\\.')}:8000$`, 'm'));
  });

  it('a pod reaches the API server at https://kubernetes.default.svc', async () => {
    const kubernetesIP = (await c!.http('GET', '/api/v1/namespaces/default/services/kubernetes')).json().spec.clusterIP;
    // One stream (2>&1): headers and body in the order wget wrote them.
    const r = await inClient('sh', '-c', 'timeout 10 wget -S --no-check-certificate -O- https://kubernetes.default.svc/version 2>&1');
    assert.ok(r.out.includes(`Connecting to kubernetes.default.svc (${kubernetesIP}:443)`), r.out);
    // busybox's TLS lists no signature algorithms (SHA-1 implied), which the server accepts as
    // kube-apiserver does; /version is public (system:public-info-viewer), so anonymous wget gets it.
    assert.match(r.out, /HTTP\/1\.[01] 200/, r.out);
    assert.match(r.out, /"gitVersion"/, r.out);
  });

  it('300 requests through the ClusterIP reach each endpoint at least 20% of the time', async () => {
    await proxyHasEndpoints(services!.proxy!.proxy, 'default/nginx-service', 3);
    await assertBalanced(`http://${clusterIP}:8000/`, await nginxPods());
  });

  it('a deleted pod leaves the rotation within 2 s', async () => {
    const url = `http://${clusterIP}:8000/`;
    await eventually(() => get(url).catch(() => undefined), 10_000, 100);
    await assertLeavesRotation(c!, url, (await nginxPods())[0]!);
  });
});
