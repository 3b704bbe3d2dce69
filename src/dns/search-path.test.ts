// What a pod's resolver does with the resolv.conf the kubelet gives it (search
// <ns>.svc.<zone> svc.<zone> <zone>, ndots:5) against this DNS: glibc's own stub resolver,
// run in a mount namespace whose /etc/resolv.conf is the pod's, the DNS on a loopback
// address of its own at port 53 (resolv.conf cannot name another port).
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from '../api/core/v1/pod/types.js';
import { podDNSConfig } from '../kubelet/container-config/dns.js';
import { runProcess } from '../test/harness.js';
import { ClusterState } from './cluster-state.js';
import { Forwarder } from './forwarder.js';
import { Responder } from './responder.js';
import { listenDns, type DnsServer } from './server.js';
import { fakeUpstream, service, type FakeUpstream } from './testing/fakes.js';
import { ClusterZone } from './zone.js';

/** Port 53 on a loopback address nobody else uses (a random one in 127.53.0.0/16). */
async function listenOnFreeLoopback(responder: Responder): Promise<DnsServer> {
  for (let attempt = 0; ; attempt++) {
    const host = `127.53.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    try {
      return await listenDns(responder, { host, port: 53 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt > 20) throw err;
    }
  }
}

describe("a pod's search path and ndots against the cluster DNS", () => {
  let up: FakeUpstream;
  let forwarder: Forwarder;
  let server: DnsServer;
  let dir: string;
  let resolvConf: string;

  before(async () => {
    up = await fakeUpstream((q) => (q.name === 'www.example.org' && q.type === 'A' ? { answers: [{ type: 'A', name: q.name, ttl: 60, class: 'IN', data: '192.0.2.99' }] } : { rcode: 3 }));
    const state = new ClusterState();
    state.upsertService(service('shop', 'web', { clusterIP: '10.96.7.1', ports: [{ port: 80 }] }));
    state.upsertService(service('default', 'web', { clusterIP: '10.96.7.2', ports: [{ port: 80 }] }));
    forwarder = new Forwarder({ upstreams: [{ host: '127.0.0.1', port: up.port }] });
    const responder = new Responder(state, new ClusterZone(state, { domain: 'cluster.local' }), forwarder);
    server = await listenOnFreeLoopback(responder);
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: 'shop', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const cfg = podDNSConfig(pod, { clusterDNS: [server.address.host], clusterDomain: 'cluster.local', hostResolvConf: '' });
    assert.deepEqual(cfg.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
    assert.deepEqual(cfg.options, ['ndots:5']);
    dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-search-'));
    resolvConf = join(dir, 'resolv.conf');
    writeFileSync(resolvConf, `search ${cfg.searches.join(' ')}\nnameserver ${cfg.servers.join('\nnameserver ')}\noptions ${cfg.options.join(' ')} timeout:2 attempts:1\n`);
  });
  after(async () => {
    await server?.close();
    forwarder?.close();
    await up?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** glibc's getent with the pod's resolv.conf bind-mounted over /etc/resolv.conf. */
  const lookup = async (name: string) => {
    const r = await runProcess('unshare', ['-m', 'sh', '-c', `mount --bind "${resolvConf}" /etc/resolv.conf && exec getent ahostsv4 "$0"`, name], { timeoutMs: 20_000 });
    return r.code === 0 ? [...new Set(r.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0]))] : [];
  };

  it("resolves a short name in the pod's own namespace first", async () => {
    assert.deepEqual(await lookup('web'), ['10.96.7.1']);
  });

  it('resolves <svc>.<ns> through the svc.<zone> search domain', async () => {
    assert.deepEqual(await lookup('web.default'), ['10.96.7.2']);
    assert.deepEqual(await lookup('web.default.svc'), ['10.96.7.2']);
  });

  it('answers the search expansions of an outside name itself and forwards only the name as written', async () => {
    up.seen.length = 0;
    assert.deepEqual(await lookup('www.example.org'), ['192.0.2.99']);
    assert.deepEqual(
      up.seen.filter((s) => s.endsWith(' A')),
      ['www.example.org A'],
    );
  });

  it('finds nothing for a name that is nowhere', async () => {
    assert.deepEqual(await lookup('nothing-here'), []);
  });
});
