// The cluster zone's records, as a client sees them through the responder: Services and
// EndpointSlices in, DNS messages out.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Answer, SoaAnswer, SrvAnswer } from 'dns-packet';
import { ClusterState } from './cluster-state.js';
import { Responder } from './responder.js';
import { ask, encodeQuery, endpoint, rcodeOf, service, slice } from './testing/fakes.js';
import { ClusterZone, DNS_SCHEMA_VERSION } from './zone.js';

const Z = 'cluster.local';
const data = (as: Answer[] | undefined, type?: string) => (as ?? []).filter((a) => !type || a.type === type).map((a) => (a as { data: unknown }).data);

describe('cluster zone records', () => {
  let state: ClusterState;
  let r: Responder;
  beforeEach(() => {
    state = new ClusterState();
    r = new Responder(state, new ClusterZone(state, { domain: Z, nameserverIPs: ['10.96.0.10'] }), undefined);
    state.upsertService(service('default', 'kubernetes', { clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }));
    state.upsertService(
      service('shop', 'web', {
        clusterIP: '10.96.5.7',
        ports: [
          { name: 'http', port: 80, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
          { port: 53, protocol: 'UDP' },
        ],
      }),
    );
    state.upsertService(service('shop', 'db', { clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }));
    state.upsertSlice(
      slice(
        'shop',
        'db',
        'db-abc',
        [endpoint('10.244.1.10', { hostname: 'db-0' }), endpoint('10.244.2.11', { hostname: 'db-1' }), endpoint('10.244.1.12', { conditions: { ready: false } }), endpoint('10.244.3.13')],
        [{ name: 'pg', port: 5432, protocol: 'TCP' }],
      ),
    );
  });

  it('answers A for a cluster IP service, with the TTL of 30 and the AA flag', async () => {
    const p = await ask(r, 'kubernetes.default.svc.cluster.local', 'A');
    assert.equal(rcodeOf(p), 0);
    assert.equal(p.flag_aa, true);
    assert.deepEqual(p.answers, [{ name: 'kubernetes.default.svc.cluster.local', type: 'A', ttl: 30, class: 'IN', flush: false, data: '10.96.0.1' }]);
  });

  it('matches names case-insensitively and echoes the question as asked', async () => {
    const p = await ask(r, 'KuberNetes.DEFAULT.svc.Cluster.Local', 'A');
    assert.equal(p.questions![0]!.name, 'KuberNetes.DEFAULT.svc.Cluster.Local');
    assert.deepEqual(data(p.answers), ['10.96.0.1']);
  });

  it('answers NODATA (NOERROR, SOA in authority) for a type the name does not hold', async () => {
    const p = await ask(r, 'kubernetes.default.svc.cluster.local', 'AAAA');
    assert.equal(rcodeOf(p), 0);
    assert.deepEqual(p.answers, []);
    assert.equal(p.authorities![0]!.type, 'SOA');
    const txt = await ask(r, 'web.shop.svc.cluster.local', 'TXT');
    assert.equal(rcodeOf(txt), 0);
    assert.deepEqual(txt.answers, []);
  });

  it('answers NXDOMAIN with the zone SOA (ns.dns, hostmaster, 7200 1800 86400 30) for missing names', async () => {
    for (const name of ['nope.default.svc.cluster.local', 'x.y.z.w.kubernetes.default.svc.cluster.local', 'foo.cluster.local', 'kubernetes.default.svc.cluster.local.default.svc.cluster.local']) {
      const p = await ask(r, name, 'A');
      assert.equal(rcodeOf(p), 3, name);
      const soa = p.authorities![0] as SoaAnswer;
      assert.equal(soa.name, 'cluster.local');
      assert.equal(soa.ttl, 30);
      assert.equal(soa.data.mname, 'ns.dns.cluster.local');
      assert.equal(soa.data.rname, 'hostmaster.cluster.local');
      assert.deepEqual([soa.data.refresh, soa.data.retry, soa.data.expire, soa.data.minimum], [7200, 1800, 86400, 30]);
      assert.ok(soa.data.serial! > 1_600_000_000);
    }
  });

  it('answers a namespace and the svc and pod subzones with NODATA', async () => {
    for (const name of ['shop.svc.cluster.local', 'svc.cluster.local', 'pod.cluster.local', 'anything.pod.cluster.local']) {
      const p = await ask(r, name, 'A');
      assert.equal(rcodeOf(p), 0, name);
      assert.deepEqual(p.answers, [], name);
    }
  });

  it('answers SRV for a named port: priority 0, weight 100, the port, the service name as target, its A as additional', async () => {
    const p = await ask(r, '_http._tcp.web.shop.svc.cluster.local', 'SRV');
    assert.deepEqual(data(p.answers), [{ priority: 0, weight: 100, port: 80, target: 'web.shop.svc.cluster.local' }]);
    assert.deepEqual(
      (p.additionals ?? []).map((a) => [a.name, a.type, (a as { data: unknown }).data]),
      [['web.shop.svc.cluster.local', 'A', '10.96.5.7']],
    );
    assert.equal(rcodeOf(await ask(r, '_http._udp.web.shop.svc.cluster.local', 'SRV')), 3);
    assert.equal(rcodeOf(await ask(r, '_nope._tcp.web.shop.svc.cluster.local', 'SRV')), 3);
  });

  it('answers SRV for every port when asked for the service name, weights shared', async () => {
    const p = await ask(r, 'web.shop.svc.cluster.local', 'SRV');
    const srv = (p.answers as SrvAnswer[]).map((a) => a.data);
    assert.deepEqual(srv.map((s) => s.port).sort((a, b) => a - b), [53, 80, 9090]);
    assert.ok(srv.every((s) => s.priority === 0 && s.weight === 33));
  });

  it('answers a headless service with its ready endpoints only', async () => {
    const p = await ask(r, 'db.shop.svc.cluster.local', 'A');
    assert.deepEqual(data(p.answers).sort(), ['10.244.1.10', '10.244.2.11', '10.244.3.13']);
  });

  it('counts not-ready endpoints of a service that publishes them', async () => {
    state.upsertService(service('shop', 'db', { clusterIP: 'None', publishNotReadyAddresses: true, ports: [{ name: 'pg', port: 5432 }] }));
    const p = await ask(r, 'db.shop.svc.cluster.local', 'A');
    assert.equal(p.answers!.length, 4);
  });

  it('answers NXDOMAIN for a headless service without ready endpoints (the specification)', async () => {
    state.upsertService(service('shop', 'empty', { clusterIP: 'None' }));
    assert.equal(rcodeOf(await ask(r, 'empty.shop.svc.cluster.local', 'A')), 3);
  });

  it('answers <hostname>.<svc>.<ns>.svc for endpoints with a hostname, and the dashed address for the others', async () => {
    assert.deepEqual(data((await ask(r, 'db-0.db.shop.svc.cluster.local', 'A')).answers), ['10.244.1.10']);
    assert.deepEqual(data((await ask(r, '10-244-3-13.db.shop.svc.cluster.local', 'A')).answers), ['10.244.3.13']);
    assert.equal(rcodeOf(await ask(r, 'db-9.db.shop.svc.cluster.local', 'A')), 3);
    // A not-ready endpoint has no name either.
    assert.equal(rcodeOf(await ask(r, '10-244-1-12.db.shop.svc.cluster.local', 'A')), 3);
  });

  it('answers headless SRV per ready endpoint, targets the endpoint names with their A records', async () => {
    const p = await ask(r, '_pg._tcp.db.shop.svc.cluster.local', 'SRV');
    const targets = (p.answers as SrvAnswer[]).map((a) => `${a.data.port} ${a.data.target}`).sort();
    assert.deepEqual(targets, ['5432 10-244-3-13.db.shop.svc.cluster.local', '5432 db-0.db.shop.svc.cluster.local', '5432 db-1.db.shop.svc.cluster.local']);
    assert.ok((p.answers as SrvAnswer[]).every((a) => a.data.weight === 33 && a.data.priority === 0));
    const extra = new Map((p.additionals ?? []).map((a) => [a.name, (a as { data: string }).data]));
    assert.equal(extra.get('db-1.db.shop.svc.cluster.local'), '10.244.2.11');
  });

  it('answers ExternalName with a CNAME, followed within the zone', async () => {
    state.upsertService(service('shop', 'alias', { type: 'ExternalName', externalName: 'web.shop.svc.cluster.local' }));
    const p = await ask(r, 'alias.shop.svc.cluster.local', 'A');
    assert.deepEqual(
      p.answers!.map((a) => [a.name, a.type, (a as { data: string }).data]),
      [
        ['alias.shop.svc.cluster.local', 'CNAME', 'web.shop.svc.cluster.local'],
        ['web.shop.svc.cluster.local', 'A', '10.96.5.7'],
      ],
    );
    const c = await ask(r, 'alias.shop.svc.cluster.local', 'CNAME');
    assert.deepEqual(data(c.answers), ['web.shop.svc.cluster.local']);
  });

  it('answers pod A records for a-b-c-d.<ns>.pod, without checking the pod (pods insecure)', async () => {
    assert.deepEqual(data((await ask(r, '10-244-1-5.default.pod.cluster.local', 'A')).answers), ['10.244.1.5']);
    assert.deepEqual(data((await ask(r, 'fd00--5.default.pod.cluster.local', 'AAAA')).answers), ['fd00::5']);
    assert.equal(rcodeOf(await ask(r, '10-244-1-500.default.pod.cluster.local', 'A')), 3);
    const v6 = await ask(r, '10-244-1-5.default.pod.cluster.local', 'AAAA');
    assert.equal(rcodeOf(v6), 0);
    assert.deepEqual(v6.answers, []);
  });

  it('answers PTR for cluster IPs and endpoint addresses', async () => {
    assert.deepEqual(data((await ask(r, '1.0.96.10.in-addr.arpa', 'PTR')).answers), ['kubernetes.default.svc.cluster.local']);
    assert.deepEqual(data((await ask(r, '10.1.244.10.in-addr.arpa', 'PTR')).answers), ['db-0.db.shop.svc.cluster.local']);
    assert.deepEqual(data((await ask(r, '13.3.244.10.in-addr.arpa', 'PTR')).answers), ['10-244-3-13.db.shop.svc.cluster.local']);
  });

  it('answers PTR for IPv6 cluster IPs under ip6.arpa', async () => {
    state.upsertService(service('default', 'v6', { clusterIP: 'fd00:10:96::a', clusterIPs: ['fd00:10:96::a'], ports: [{ port: 80 }] }));
    const name = `${'fd00001000960000000000000000000a'.split('').reverse().join('.')}.ip6.arpa`;
    assert.deepEqual(data((await ask(r, name, 'PTR')).answers), ['v6.default.svc.cluster.local']);
    assert.deepEqual(data((await ask(r, 'v6.default.svc.cluster.local', 'AAAA')).answers), ['fd00:10:96::a']);
  });

  it('serves the dns-version TXT, the apex SOA and NS, and ns.dns', async () => {
    assert.deepEqual(data((await ask(r, 'dns-version.cluster.local', 'TXT')).answers), [[Buffer.from(DNS_SCHEMA_VERSION)]]);
    const soa = await ask(r, 'cluster.local', 'SOA');
    assert.equal((soa.answers![0] as SoaAnswer).data.mname, 'ns.dns.cluster.local');
    const ns = await ask(r, 'cluster.local', 'NS');
    assert.deepEqual(data(ns.answers), ['ns.dns.cluster.local']);
    assert.deepEqual(data(ns.additionals), ['10.96.0.10']);
    assert.deepEqual(data((await ask(r, 'ns.dns.cluster.local', 'A')).answers), ['10.96.0.10']);
  });

  it('sets TC on a UDP answer over 512 bytes (or the EDNS size) and answers it whole over TCP', async () => {
    const many = Array.from({ length: 20 }, (_, i) => endpoint(`10.244.9.${i + 1}`));
    state.upsertService(service('shop', 'big', { clusterIP: 'None' }));
    state.upsertSlice(slice('shop', 'big', 'big-1', many));
    const udp = await ask(r, 'big.shop.svc.cluster.local', 'A');
    assert.equal(udp.flag_tc, true);
    assert.ok(udp.raw.length <= 512);
    assert.deepEqual(udp.answers, []);
    const edns = await ask(r, 'big.shop.svc.cluster.local', 'A', { edns: 4096 });
    assert.equal(edns.flag_tc, false, 'fits in the EDNS size (1232 here)');
    assert.equal(edns.answers!.length, 20);
    const tcp = await ask(r, 'big.shop.svc.cluster.local', 'A', { tcp: true });
    assert.equal(tcp.flag_tc, false);
    assert.equal(tcp.answers!.length, 20);
  });

  it('serves repeated questions from cached bytes with the ID patched, until the state changes', async () => {
    const first = await ask(r, 'web.shop.svc.cluster.local', 'A', { id: 1 });
    const q2 = encodeQuery('web.shop.svc.cluster.local', 'A', { id: 2 });
    const hit = r.cached(q2, false);
    assert.ok(hit);
    assert.equal(hit.readUInt16BE(0), 2);
    assert.deepEqual(hit.subarray(2), first.raw.subarray(2));
    state.removeService(service('shop', 'web', {}));
    assert.equal(r.cached(q2, false), undefined);
    assert.equal(rcodeOf(await ask(r, 'web.shop.svc.cluster.local', 'A')), 3);
  });

  it('answers FORMERR for garbage and NOTIMP for other opcodes, and nothing for responses', async () => {
    const garbage = Buffer.from('00010100000100000000000005', 'hex');
    const f = await r.respond(garbage, false);
    assert.equal(f!.readUInt16BE(2) & 0xf, 1);
    const q = encodeQuery('a.b', 'A');
    q[2] = (q[2]! & 0x87) | (2 << 3); // opcode STATUS
    assert.equal((await r.respond(q, false))!.readUInt16BE(2) & 0xf, 4);
    const resp = Buffer.from(q);
    resp[2] = resp[2]! | 0x80;
    assert.equal(await r.respond(resp, false), undefined);
  });
});
