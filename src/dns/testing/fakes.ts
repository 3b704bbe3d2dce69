// Test doubles for the DNS: Services and EndpointSlices as the API would hold them, a query
// helper over the responder, and an upstream resolver on 127.0.0.1 built with dns-packet.
import { createSocket } from 'node:dgram';
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
  /** Questions received, "name type". */
  seen: string[];
  close(): Promise<void>;
}

/** A resolver on 127.0.0.1 that answers with `answer(question)`: records, or an rcode with an SOA. */
export async function fakeUpstream(answer: (q: Question, msg: Buffer) => { rcode?: number; answers?: Answer[]; authorities?: Answer[] } | 'drop' | Buffer): Promise<FakeUpstream> {
  const sock = createSocket('udp4');
  const seen: string[] = [];
  sock.on('message', (msg, rinfo) => {
    const req = packet.decode(msg);
    const q = req.questions![0]!;
    seen.push(`${q.name} ${q.type}`);
    const a = answer(q, msg);
    if (a === 'drop') return;
    if (Buffer.isBuffer(a)) return void sock.send(a, rinfo.port, rinfo.address);
    const out = packet.encode({ type: 'response', id: req.id, flags: 0x8080 | (a.rcode ?? 0), questions: req.questions, answers: a.answers ?? [], authorities: a.authorities ?? [] });
    sock.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', () => resolve()));
  return { port: sock.address().port, seen, close: () => new Promise((resolve) => sock.close(() => resolve())) };
}
