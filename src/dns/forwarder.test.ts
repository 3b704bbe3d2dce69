// Names outside the cluster: forwarded to fake upstream resolvers on 127.0.0.1, cached for
// their TTL (denials for their SOA minimum), failed over, never looped back.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { afterEach, describe, it } from 'node:test';
import * as packet from 'dns-packet';
import type { Answer } from 'dns-packet';
import { ClusterState } from './cluster-state.js';
import { Forwarder } from './forwarder.js';
import { Responder } from './responder.js';
import { listenDns, type DnsServer } from './server.js';
import { ask, encodeQuery, fakeUpstream, rcodeOf, service, tcpQuery, type FakeUpstream } from './testing/fakes.js';
import { nameservers, upstreamsFrom, type HostPort } from './upstreams.js';
import { ClusterZone } from './zone.js';

const a = (name: string, ip: string, ttl = 300): Answer => ({ type: 'A', name, ttl, class: 'IN', data: ip });
const soa = (zone: string, minimum: number): Answer => ({
  type: 'SOA',
  name: zone,
  ttl: 3600,
  class: 'IN',
  data: { mname: `ns.${zone}`, rname: `host.${zone}`, serial: 1, refresh: 1, retry: 1, expire: 1, minimum },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forwarding', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function upstream(answer: Parameters<typeof fakeUpstream>[0]): Promise<FakeUpstream> {
    const u = await fakeUpstream(answer);
    cleanups.push(() => u.close());
    return u;
  }

  function stack(upstreams: HostPort[], opts: { maxTtl?: number; timeoutMs?: number } = {}) {
    const state = new ClusterState();
    const forwarder = new Forwarder({ upstreams, ...opts });
    cleanups.push(() => forwarder.close());
    const responder = new Responder(state, new ClusterZone(state, { domain: 'cluster.local' }), forwarder);
    return { state, forwarder, responder };
  }

  async function serve(responder: Responder): Promise<DnsServer> {
    const s = await listenDns(responder, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => s.close());
    return s;
  }

  const lo = (u: FakeUpstream): HostPort => ({ host: '127.0.0.1', port: u.port });

  it('forwards other names to the upstream and answers repeats from the cache, TTLs counting down', async () => {
    const u = await upstream((q) => ({ answers: [a(q.name, '192.0.2.7', 20)] }));
    const { responder } = stack([lo(u)]);
    const first = await ask(responder, 'www.example.org', 'A');
    assert.equal(rcodeOf(first), 0);
    assert.equal(first.flag_aa, false);
    assert.deepEqual(first.answers!.map((x) => [(x as { data: string }).data, (x as { ttl?: number }).ttl]), [['192.0.2.7', 20]]);
    await sleep(1100);
    const again = await ask(responder, 'WWW.example.org', 'A');
    assert.equal((again.answers![0] as { ttl?: number }).ttl, 19);
    assert.equal(again.questions![0]!.name, 'WWW.example.org');
    assert.deepEqual(u.seen, ['www.example.org A']);
  });

  it('caps what it keeps, and the TTLs it hands out, at the cache TTL (cache 30)', async () => {
    const u = await upstream((q) => ({ answers: [a(q.name, '192.0.2.8', 3600)] }));
    const { responder } = stack([lo(u)], { maxTtl: 1 });
    const first = await ask(responder, 'long.example.org', 'A');
    assert.equal((first.answers![0] as { ttl?: number }).ttl, 1);
    await ask(responder, 'long.example.org', 'A');
    assert.equal(u.seen.length, 1);
    await sleep(1100);
    await ask(responder, 'long.example.org', 'A');
    assert.equal(u.seen.length, 2);
  });

  it('caches NXDOMAIN and NODATA for the SOA minimum, and not at all without an SOA', async () => {
    const u = await upstream((q) => (q.name.startsWith('nosoa') ? { rcode: 3 } : q.name.startsWith('nodata') ? { authorities: [soa('example.org', 10)] } : { rcode: 3, authorities: [soa('example.org', 10)] }));
    const { responder } = stack([lo(u)]);
    for (let i = 0; i < 3; i++) {
      assert.equal(rcodeOf(await ask(responder, 'missing.example.org', 'A')), 3);
      const nodata = await ask(responder, 'nodata.example.org', 'AAAA');
      assert.equal(rcodeOf(nodata), 0);
      assert.deepEqual(nodata.answers, []);
      assert.equal(rcodeOf(await ask(responder, 'nosoa.example.org', 'A')), 3);
    }
    assert.deepEqual(
      u.seen.filter((s) => !s.startsWith('nosoa')),
      ['missing.example.org A', 'nodata.example.org AAAA'],
    );
    assert.equal(u.seen.filter((s) => s.startsWith('nosoa')).length, 3);
  });

  it('fails over to the next upstream when one does not answer, and answers SERVFAIL when none does', async () => {
    const dead = await upstream(() => 'drop');
    const live = await upstream((q) => ({ answers: [a(q.name, '192.0.2.9')] }));
    const { responder } = stack([lo(dead), lo(live)], { timeoutMs: 200 });
    const p = await ask(responder, 'failover.example.org', 'A');
    assert.deepEqual(p.answers!.map((x) => (x as { data: string }).data), ['192.0.2.9']);
    assert.deepEqual(dead.seen, ['failover.example.org A']);
    const none = stack([lo(dead)], { timeoutMs: 100 });
    assert.equal(rcodeOf(await ask(none.responder, 'nobody.example.org', 'A')), 2);
  });

  it('asks again over TCP when the upstream truncates', async () => {
    const u = await upstream((q, _m, tcp) => (tcp ? { answers: [a(q.name, '192.0.2.10')] } : { tc: true }));
    const { responder } = stack([lo(u)]);
    const p = await ask(responder, 'big.example.org', 'A');
    assert.deepEqual(p.answers!.map((x) => (x as { data: string }).data), ['192.0.2.10']);
    assert.deepEqual(u.seen, ['big.example.org A', 'big.example.org A tcp']);
  });

  it('forwards reverse names it has no service or endpoint for (fallthrough in-addr.arpa)', async () => {
    const u = await upstream((q) => ({ answers: [{ type: 'PTR', name: q.name, ttl: 60, class: 'IN', data: 'host.example.org' }] }));
    const { state, responder } = stack([lo(u)]);
    state.upsertService(service('default', 'kubernetes', { clusterIP: '10.96.0.1', ports: [{ port: 443 }] }));
    assert.deepEqual((await ask(responder, '1.0.96.10.in-addr.arpa', 'PTR')).answers!.map((x) => (x as { data: string }).data), ['kubernetes.default.svc.cluster.local']);
    assert.deepEqual((await ask(responder, '9.2.0.192.in-addr.arpa', 'PTR')).answers!.map((x) => (x as { data: string }).data), ['host.example.org']);
    assert.deepEqual(u.seen, ['9.2.0.192.in-addr.arpa PTR']);
  });

  it('completes an ExternalName CNAME to an outside name with the upstream answer', async () => {
    const u = await upstream((q) => ({ answers: [a(q.name, '192.0.2.11')] }));
    const { state, responder } = stack([lo(u)]);
    state.upsertService(service('default', 'ext', { type: 'ExternalName', externalName: 'www.example.com' }));
    const p = await ask(responder, 'ext.default.svc.cluster.local', 'A');
    assert.deepEqual(
      p.answers!.map((x) => `${x.name} ${x.type} ${(x as { data: string }).data}`),
      ['ext.default.svc.cluster.local CNAME www.example.com', 'www.example.com A 192.0.2.11'],
    );
  });

  it('never forwards to itself or the cluster DNS address taken from resolv.conf', () => {
    const servers = nameservers('# host\nnameserver 10.96.0.10\nnameserver 10.244.0.1\nnameserver 192.0.2.53 ; comment\nsearch example.org\nnameserver fe80::1%eth0\n');
    assert.deepEqual(servers, ['10.96.0.10', '10.244.0.1', '192.0.2.53', 'fe80::1%eth0']);
    const { upstreams, dropped } = upstreamsFrom(
      servers.map((host) => ({ host, port: 53 })),
      { listen: [{ host: '10.244.0.1', port: 53 }], clusterDNS: ['10.96.0.10'] },
    );
    assert.deepEqual(upstreams.map((u) => u.host), ['192.0.2.53', 'fe80::1%eth0']);
    assert.deepEqual(dropped.map((u) => u.host), ['10.96.0.10', '10.244.0.1']);
  });

  it('detects a loop through another resolver and answers SERVFAIL at once', async () => {
    // A "resolver" that sends every query on to the cluster DNS, as a host pointing at it would.
    let dnsPort = 0;
    const relay = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => relay.close(() => r())));
    const back = new Map<number, { port: number; address: string }>();
    relay.on('message', (msg, rinfo) => {
      const id = msg.readUInt16BE(0);
      if (rinfo.port === dnsPort && back.has(id) && msg[2]! & 0x80) {
        relay.send(msg, back.get(id)!.port, back.get(id)!.address);
        return;
      }
      back.set(id, rinfo);
      relay.send(msg, dnsPort, '127.0.0.1');
    });
    await new Promise<void>((r) => relay.bind(0, '127.0.0.1', () => r()));
    const { responder } = stack([{ host: '127.0.0.1', port: relay.address().port }], { timeoutMs: 3000 });
    const server = await serve(responder);
    dnsPort = server.address.port;
    const started = Date.now();
    const res = await tcpQuery('127.0.0.1', dnsPort, encodeQuery('loop.example.org', 'A'));
    assert.equal(rcodeOf(res), 2);
    assert.ok(Date.now() - started < 1000, 'answered without waiting for the upstream timeout');
  });

  it("answers node's resolver over UDP and a TCP client on one port", async () => {
    const u = await upstream((q) => ({ answers: [a(q.name, '192.0.2.12')] }));
    const { state, responder } = stack([lo(u)]);
    state.upsertService(service('default', 'web', { clusterIP: '10.96.3.3', ports: [{ name: 'http', port: 80 }] }));
    const server = await serve(responder);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${server.address.port}`]);
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.3.3']);
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.3.3']);
    assert.deepEqual(await resolver.resolve4('outside.example.org'), ['192.0.2.12']);
    await assert.rejects(resolver.resolve4('gone.default.svc.cluster.local'), { code: 'ENOTFOUND' });
    const viaTcp = await tcpQuery('127.0.0.1', server.address.port, packet.encode({ type: 'query', id: 7, flags: packet.RECURSION_DESIRED, questions: [{ name: '_http._tcp.web.default.svc.cluster.local', type: 'SRV' }] }));
    assert.equal(viaTcp.id, 7);
    assert.deepEqual(viaTcp.answers!.map((x) => (x as { data: unknown }).data), [{ priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
  });
});
