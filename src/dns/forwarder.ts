// Names outside the cluster: asked of the upstream resolvers in turn (UDP, then TCP when the
// answer is truncated) and kept for their TTL, capped as kubeadm's `cache 30` caps it, denials
// included for their SOA minimum (RFC 2308 negative caching). Identical questions in flight
// share one upstream exchange.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Question, SoaAnswer } from 'dns-packet';
import { optRecord } from './edns.js';
import type { HostPort } from './upstreams.js';

export interface ForwarderOptions {
  upstreams: HostPort[];
  /** How long one upstream gets before the next is asked (ms). */
  timeoutMs?: number;
  /** The longest an answer is kept, positive or negative (s). */
  maxTtl?: number;
  maxEntries?: number;
}

/** An upstream's answer, with TTLs counted down to now when it came from the cache. */
export interface Forwarded {
  /** The response's header flags (rcode in the low four bits). */
  flags: number;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
}

interface Pending {
  question: string;
  from: HostPort;
  resolve(b: Buffer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

interface Entry {
  value: Forwarded;
  storedAt: number;
  expiresAt: number;
}

const RCODE_NXDOMAIN = 3;
const UPSTREAM_UDP_SIZE = 1232;

export const questionKey = (q: Question): string => `${q.name.toLowerCase().replace(/\.$/, '')}|${q.type}|${q.class ?? 'IN'}`;

export class Forwarder {
  private readonly sockets = new Map<4 | 6, Socket>();
  private readonly pending = new Map<number, Pending>();
  private readonly inflight = new Map<string, Promise<Forwarded>>();
  private readonly cache = new Map<string, Entry>();
  private readonly timeoutMs: number;
  private readonly maxTtl: number;
  private readonly maxEntries: number;
  private closed = false;

  constructor(private readonly opts: ForwarderOptions) {
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.maxTtl = opts.maxTtl ?? 30;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  get upstreams(): readonly HostPort[] {
    return this.opts.upstreams;
  }

  /** Whether a query that reached this server is one this forwarder sent: a forwarding loop. */
  isOwnQuery(id: number, q: Question): boolean {
    return this.pending.get(id)?.question === questionKey(q);
  }

  /** The answer to a question, from the cache or the upstreams; rejects when none answers. */
  lookup(q: Question): Promise<Forwarded> {
    const key = questionKey(q);
    const hit = this.fromCache(key);
    if (hit) return Promise.resolve(hit);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(q, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  close(): void {
    this.closed = true;
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('forwarder closed'));
    }
    this.pending.clear();
  }

  private fromCache(key: string): Forwarded | undefined {
    const e = this.cache.get(key);
    if (!e) return undefined;
    const now = Date.now();
    if (now >= e.expiresAt) {
      this.cache.delete(key);
      return undefined;
    }
    const elapsed = Math.floor((now - e.storedAt) / 1000);
    const age = (rs: Answer[]) => rs.map((r) => ({ ...r, ttl: Math.max(0, ((r as { ttl?: number }).ttl ?? 0) - elapsed) }) as Answer);
    return { flags: e.value.flags, answers: age(e.value.answers), authorities: age(e.value.authorities), additionals: age(e.value.additionals) };
  }

  private async ask(q: Question, key: string): Promise<Forwarded> {
    let last: unknown = new Error('no upstream resolvers');
    for (const up of this.opts.upstreams) {
      try {
        const id = this.freeId();
        const query = packet.encode({
          type: 'query',
          id,
          flags: packet.RECURSION_DESIRED,
          questions: [{ name: q.name, type: q.type, class: q.class ?? 'IN' }],
          additionals: [optRecord(UPSTREAM_UDP_SIZE)],
        });
        let resp = packet.decode(await this.udp(up, id, key, query));
        if (resp.flag_tc) resp = packet.decode(await this.tcp(up, query));
        // TTLs are capped as the cache caps them, so clients do not keep longer what this server would refresh.
        const cap = (rs: Answer[]) => rs.map((r) => ('ttl' in r && (r.ttl ?? 0) > this.maxTtl ? ({ ...r, ttl: this.maxTtl } as Answer) : r));
        const value: Forwarded = {
          flags: resp.flags ?? 0,
          answers: cap(resp.answers ?? []),
          authorities: cap(resp.authorities ?? []),
          additionals: cap((resp.additionals ?? []).filter((a) => a.type !== 'OPT')),
        };
        this.store(key, value, resp);
        return value;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  /** Positive answers for their smallest TTL, denials for the SOA's (none without an SOA). */
  private store(key: string, value: Forwarded, resp: DecodedPacket): void {
    if (resp.flag_tc) return;
    const rcode = value.flags & 0xf;
    let ttl: number | undefined;
    if (rcode === 0 && value.answers.length) ttl = Math.min(...value.answers.map((a) => (a as { ttl?: number }).ttl ?? 0));
    else if (rcode === 0 || rcode === RCODE_NXDOMAIN) {
      const soa = value.authorities.find((a): a is SoaAnswer => a.type === 'SOA');
      if (soa) ttl = Math.min(soa.ttl ?? 0, soa.data.minimum ?? 0);
    }
    if (!ttl || ttl <= 0) return;
    ttl = Math.min(ttl, this.maxTtl);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    const now = Date.now();
    this.cache.set(key, { value, storedAt: now, expiresAt: now + ttl * 1000 });
  }

  private freeId(): number {
    for (;;) {
      const id = (Math.random() * 0x10000) | 0;
      if (!this.pending.has(id)) return id;
    }
  }

  private socket(family: 4 | 6): Socket {
    let s = this.sockets.get(family);
    if (!s) {
      s = createSocket(family === 6 ? 'udp6' : 'udp4');
      s.on('message', (msg, rinfo) => this.onReply(msg, rinfo));
      s.on('error', () => undefined);
      s.unref();
      this.sockets.set(family, s);
    }
    return s;
  }

  private onReply(msg: Buffer, rinfo: RemoteInfo): void {
    if (msg.length < 12) return;
    const p = this.pending.get(msg.readUInt16BE(0));
    // Only the upstream asked may answer (a stray or spoofed datagram is dropped).
    if (!p || rinfo.port !== p.from.port || rinfo.address.split('%')[0] !== p.from.host.split('%')[0]) return;
    this.pending.delete(msg.readUInt16BE(0));
    clearTimeout(p.timer);
    p.resolve(msg);
  }

  private udp(up: HostPort, id: number, question: string, query: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('forwarder closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`upstream ${up.host}:${up.port} timed out`));
      }, this.timeoutMs);
      this.pending.set(id, { question, from: up, resolve, reject, timer });
      this.socket(isIPv6(up.host.split('%')[0]!) ? 6 : 4).send(query, up.port, up.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private tcp(up: HostPort, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host: up.host, port: up.port });
      const timer = setTimeout(() => sock.destroy(new Error(`upstream ${up.host}:${up.port} timed out (tcp)`)), this.timeoutMs);
      let buf = Buffer.alloc(0);
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(query.length);
        sock.end(Buffer.concat([len, query]));
      });
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(timer);
          sock.destroy();
          resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        }
      });
      sock.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.on('close', () => {
        clearTimeout(timer);
        reject(new Error(`upstream ${up.host}:${up.port} closed the connection`));
      });
    });
  }
}
