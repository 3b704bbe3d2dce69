// Test doubles for the DNS: Services and EndpointSlices as the API would hold them, a query
// helper over the responder, and an upstream resolver on 127.0.0.1 built with dns-packet.
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Question } from 'dns-packet';
import type { Service, ServiceSpec } from '../../api/core/v1/types.js';
import type { Endpoint, EndpointSlice } from '../../api/discovery/v1/types.js';
import { optRecord } from '../edns.js';
import type { Responder } from '../responder.js';

export function service(namespace: string, name: string, spec: ServiceSpec): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

export function slice(namespace: string, service: string, name: string, endpoints: Endpoint[], ports: EndpointSlice['ports'] = []): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels: { 'kubernetes.io/service-name': service } },
    addressType: endpoints[0]?.addresses[0]?.includes(':') ? 'IPv6' : 'IPv4',
    endpoints,
    ports,
  };
}

export const endpoint = (ip: string, extra: Partial<Endpoint> = {}): Endpoint => ({ addresses: [ip], conditions: { ready: true }, ...extra });

export interface QueryOptions {
  tcp?: boolean;
  /** EDNS UDP payload size to advertise (no OPT record when absent). */
  edns?: number;
  id?: number;
}

export function encodeQuery(name: string, type: Question['type'], o: QueryOptions = {}): Buffer {
  return packet.encode({
    type: 'query',
    id: o.id ?? 4242,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals: o.edns ? [optRecord(o.edns)] : [],
  });
}

/** Asks the responder as a client would; the raw bytes come back too (for size and TC checks). */
export async function ask(r: Responder, name: string, type: Question['type'], o: QueryOptions = {}): Promise<DecodedPacket & { raw: Buffer }> {
  const raw = await r.respond(encodeQuery(name, type, o), o.tcp ?? false);
  if (!raw) throw new Error('no response');
  return Object.assign(packet.decode(raw), { raw });
}

export const rcodeOf = (p: DecodedPacket): number => (p.flags ?? 0) & 0xf;

export interface FakeUpstream {
  port: number;
  /** Questions received, "name type" (and " tcp" when over TCP). */
  seen: string[];
  close(): Promise<void>;
}

export type UpstreamReply = { rcode?: number; tc?: boolean; answers?: Answer[]; authorities?: Answer[] } | 'drop' | Buffer;

/** A resolver on 127.0.0.1 (UDP and TCP on one port) that answers with `answer(question)`. */
export async function fakeUpstream(answer: (q: Question, msg: Buffer, tcp: boolean) => UpstreamReply): Promise<FakeUpstream> {
  const seen: string[] = [];
  const reply = (msg: Buffer, tcp: boolean): Buffer | undefined => {
    const req = packet.decode(msg);
    const q = req.questions![0]!;
    seen.push(`${q.name} ${q.type}${tcp ? ' tcp' : ''}`);
    const a = answer(q, msg, tcp);
    if (a === 'drop' || Buffer.isBuffer(a)) return a === 'drop' ? undefined : a;
    const flags = 0x8080 | (a.tc ? packet.TRUNCATED_RESPONSE : 0) | (a.rcode ?? 0);
    return packet.encode({ type: 'response', id: req.id, flags, questions: req.questions, answers: a.tc ? [] : (a.answers ?? []), authorities: a.authorities ?? [] });
  };
  const tcp = createServer((sock) => {
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
      const out = reply(buf.subarray(2, 2 + buf.readUInt16BE(0)), true);
      if (out) sock.end(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', () => resolve()));
  const port = (tcp.address() as { port: number }).port;
  const udp = createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    const out = reply(msg, false);
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', () => resolve()));
  return {
    port,
    seen,
    close: () => new Promise((resolve) => udp.close(() => tcp.close(() => resolve()))),
  };
}

/** One query over TCP (two-byte length framing), the decoded response back. */
export function tcpQuery(host: string, port: number, query: Buffer): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host, port }, () => sock.write(Buffer.concat([Buffer.from([query.length >> 8, query.length & 0xff]), query])));
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(packet.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    sock.on('error', reject);
  });
}
