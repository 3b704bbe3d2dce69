// Issue 11, acceptance 1, the pod-token case: on a real node under Node,RBAC (the default), a
// pod's mounted ServiceAccount token does exactly what its Role grants, asked from inside the pod
// with busybox wget at the kubernetes Service. busybox's TLS sends no signature_algorithms, so
// this also proves the server's handshake accepts such clients (SERVING_CIPHERS in
// apiserver/server.ts); busybox's wget verifies no certificate at all, so the mounted CA is
// checked against the server's separately.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startNodeServices, type NodeServices } from '../../cluster/node-services.js';
import { cleanupIptables } from '../../proxy/iptables/proxier.js';
import { cleanupNftables } from '../../proxy/nftables/proxier.js';
import { podYaml, startNodeTestCluster, TEST_IMAGE, unusedClusterCidr, type NodeTestCluster } from '../node-harness.js';

describe('a pod’s service-account token against the API (Node,RBAC)', () => {
  let c: NodeTestCluster | undefined;
  let services: NodeServices | undefined;
  const tag = randomInt(0x10000, 0xfffff).toString(16);
  const table = `k8ts-test-${tag}`;
  const prefix = `KT${tag.toUpperCase()}`;
  const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
  /** wget in the pod with the mounted token; stdout and stderr together. */
  const get = async (path: string) => {
    const script = `wget -q -O- --no-check-certificate --header "Authorization: Bearer $(cat ${SA_DIR}/token)" "https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT${path}" 2>&1; echo "exit=$?"`;
    const r = await c!.kubectl(['exec', 'client', '--', 'timeout', '15', 'sh', '-c', script]);
    return r.stdout + r.stderr;
  };

  before(async () => {
    const clusterCidr = await unusedClusterCidr();
    let serviceCidr: string;
    do serviceCidr = await unusedClusterCidr();
    while (serviceCidr === clusterCidr);
    c = await startNodeTestCluster({ clusterCidr, serviceCidr, bindAddress: '0.0.0.0', authorizationMode: 'Node,RBAC' });
    // The node's services under their own identities, as on every node.
    const own = c.cp.nodeServiceClients;
    services = await startNodeServices({ client: own.proxy, proxyClient: own.proxy, controllerClient: own.controller, nodeName: c.nodeName, clusterCIDR: clusterCidr, serviceCIDR: serviceCidr, cniBridge: c.bridge, proxy: { table, chainPrefix: prefix }, networkPolicy: { table: `${table}-np` }, ingress: false, dns: false });
    for (const args of [
      ['create', 'serviceaccount', 'reader'],
      ['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods'],
      ['create', 'rolebinding', 'reader-pods', '--role=pod-reader', '--serviceaccount=default:reader'],
      ['create', 'secret', 'generic', 'hidden', '--from-literal=k=v'],
    ]) {
      const r = await c.kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    await c.apply(podYaml('client', { serviceAccountName: 'reader', containers: [{ name: 'sh', image: TEST_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] }] }));
    await c.waitPod('client', (p) => p.status?.phase === 'Running', 90_000);
  });

  after(async () => {
    await services?.stop({ cleanup: true }).catch(() => undefined);
    await cleanupNftables(table).catch(() => undefined);
    await cleanupIptables(prefix).catch(() => undefined);
    await c?.stop();
  });

  it('mounts the cluster CA the API server’s certificate chains to', async () => {
    const r = await c!.kubectl(['exec', 'client', '--', 'cat', `${SA_DIR}/ca.crt`]);
    assert.equal(r.stdout.trim(), c!.cp.caPem.trim());
  });

  it('may list and get pods, as its Role grants', async () => {
    const list = await get('/api/v1/namespaces/default/pods');
    assert.match(list, /"kind":"PodList"/, list);
    assert.match(list, /"name":"client"/);
    assert.match(list, /exit=0/);
    const one = await get('/api/v1/namespaces/default/pods/client');
    assert.match(one, /"kind":"Pod"/, one);
  });

  it('may not read Secrets, pods of another namespace, or delete', async () => {
    for (const path of ['/api/v1/namespaces/default/secrets/hidden', '/api/v1/namespaces/kube-system/pods', '/api/v1/nodes']) {
      const out = await get(path);
      assert.match(out, /403 Forbidden/, `${path}: ${out}`);
      assert.match(out, /exit=1/);
    }
    // The same questions through kubectl auth can-i agree.
    const asSa = (args: string[]) => c!.kubectl(['auth', 'can-i', ...args, '--as=system:serviceaccount:default:reader']);
    assert.equal((await asSa(['list', 'pods'])).stdout.trim(), 'yes');
    assert.equal((await asSa(['get', 'secrets'])).stdout.trim(), 'no');
    assert.equal((await asSa(['list', 'pods', '-n', 'kube-system'])).stdout.trim(), 'no');
  });
});
