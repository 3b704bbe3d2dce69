// One DNS message in, one out: the cluster zone answers what is its own, the forwarder the rest.
// Zone answers are kept as encoded bytes per exact query (everything but the ID) and are valid
// while the cluster state's revision stands, so a repeated question costs a map lookup, a copy
// and an ID patch; any Service or EndpointSlice change retires them all at once.
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Question } from 'dns-packet';
import type { ClusterState } from './cluster-state.js';
import { optRecord } from './edns.js';
import type { Forwarder } from './forwarder.js';
import { labelsInZone, canonicalName } from './names.js';
import type { ClusterZone, ZoneAnswer } from './zone.js';

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

const QR = 0x8000;
const AA = 0x0400;
const TC = 0x0200;
const RD = 0x0100;
const RA = 0x0080;
const AD = 0x0020;
const CD = 0x0010;
/** The UDP payload this server accepts and advertises in its own OPT record. */
const SERVER_UDP_SIZE = 1232;
const MAX_CNAME_CHAIN = 8;

export interface ResponderOptions {
  /** Cached encoded answers kept at most (the map is cleared when full). */
  maxCachedAnswers?: number;
  log?: (line: string) => void;
}

interface CachedAnswer {
  revision: number;
  bytes: Buffer;
}

/** The cache key of a query: transport and every byte after the ID (flags, question, EDNS). */
const keyOf = (msg: Buffer, tcp: boolean): string => (tcp ? 't' : 'u') + msg.toString('latin1', 2);

export class Responder {
  private readonly answers = new Map<string, CachedAnswer>();
  private readonly maxCached: number;
  private loopLogged = false;

  constructor(
    private readonly state: ClusterState,
    private readonly zone: ClusterZone,
    private readonly forwarder: Forwarder | undefined,
    private readonly opts: ResponderOptions = {},
  ) {
    this.maxCached = opts.maxCachedAnswers ?? 50_000;
  }

  /** The hot path: the cached answer to these exact query bytes, with the query's ID, or undefined. */
  cached(msg: Buffer, tcp: boolean): Buffer | undefined {
    if (msg.length < 12) return undefined;
    const hit = this.answers.get(keyOf(msg, tcp));
    if (!hit || hit.revision !== this.state.revision) return undefined;
    const out = Buffer.allocUnsafe(hit.bytes.length);
    hit.bytes.copy(out);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    return out;
  }

  /** The response to a message; undefined for what deserves none (responses, runts). */
  async respond(msg: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    if (msg.length < 12 || msg[2]! & 0x80) return undefined;
    try {
      return await this.answer(msg, tcp);
    } catch (err) {
      // A record that cannot be encoded (or any other fault) fails this query, not the server.
      this.opts.log?.(`dns: answering a query: ${String(err)}`);
      return headerOnly(msg, RCODE.SERVFAIL);
    }
  }

  private async answer(msg: Buffer, tcp: boolean): Promise<Buffer> {
    let req: DecodedPacket;
    try {
      req = packet.decode(msg);
    } catch {
      return headerOnly(msg, RCODE.FORMERR);
    }
    if (((msg[2]! >> 3) & 0xf) !== 0) return headerOnly(msg, RCODE.NOTIMP);
    const q = req.questions?.length === 1 ? req.questions[0]! : undefined;
    if (!q) return headerOnly(msg, RCODE.FORMERR);
    if ((q.class ?? 'IN') !== 'IN') return this.reply(req, tcp, RCODE.REFUSED, {});
    const revision = this.state.revision;
    const z = this.zone.lookup(q.name, q.type);
    if (z) {
      const { answers, complete } = await this.chase(z, q.type);
      const out = this.reply(req, tcp, RCODE[z.rcode] | AA, { answers, authorities: z.authorities, additionals: z.additionals });
      // A chase that left the zone carries upstream TTLs: the forwarder caches that part.
      if (complete) this.remember(keyOf(msg, tcp), revision, out);
      return out;
    }
    if (!this.forwarder) return this.reply(req, tcp, RCODE.SERVFAIL, {});
    if (this.forwarder.isOwnQuery(req.id ?? 0, q)) {
      if (!this.loopLogged) this.opts.log?.(`dns: forwarding loop: a query this server forwarded (${q.name} ${q.type}) came back to it; answering SERVFAIL`);
      this.loopLogged = true;
      return this.reply(req, tcp, RCODE.SERVFAIL, {});
    }
    try {
      const f = await this.forwarder.lookup(q);
      return this.reply(req, tcp, f.flags & (0xf | AD), f);
    } catch {
      return this.reply(req, tcp, RCODE.SERVFAIL, {});
    }
  }

  /** An ExternalName's CNAME completed with its target's records: from the zone, else upstream. */
  private async chase(z: ZoneAnswer, qtype: string): Promise<{ answers: Answer[]; complete: boolean }> {
    const answers = [...z.answers];
    let target = z.chase;
    for (let i = 0; target && i < MAX_CNAME_CHAIN; i++) {
      if (labelsInZone(canonicalName(target), this.zone.domain)) {
        const next = this.zone.lookup(target, qtype);
        answers.push(...(next?.answers ?? []));
        target = next?.chase;
        continue;
      }
      if (!this.forwarder) return { answers, complete: true };
      try {
        answers.push(...(await this.forwarder.lookup({ name: target, type: qtype as Question['type'], class: 'IN' })).answers);
      } catch {
        // The alias stands on its own; the client may ask for its target itself.
      }
      return { answers, complete: false };
    }
    return { answers, complete: true };
  }

  private remember(key: string, revision: number, bytes: Buffer): void {
    if (revision !== this.state.revision) return;
    if (this.answers.size >= this.maxCached) this.answers.clear();
    this.answers.set(key, { revision, bytes });
  }

  /** Encodes a response, cut down to its question with TC set when it exceeds the UDP limit. */
  private reply(req: DecodedPacket, tcp: boolean, flags: number, sections: { answers?: Answer[]; authorities?: Answer[]; additionals?: Answer[] }): Buffer {
    const reqFlags = req.flags ?? 0;
    const opt = req.additionals?.find((a): a is OptAnswer => a.type === 'OPT');
    const limit = tcp ? 0xffff : opt ? Math.max(512, Math.min(opt.udpPayloadSize, SERVER_UDP_SIZE)) : 512;
    const own: Answer[] = opt ? [optRecord(SERVER_UDP_SIZE)] : [];
    const base = { type: 'response' as const, id: req.id ?? 0, questions: req.questions };
    const header = QR | RA | (reqFlags & (RD | CD)) | flags;
    const full = packet.encode({ ...base, flags: header, answers: sections.answers ?? [], authorities: sections.authorities ?? [], additionals: [...(sections.additionals ?? []), ...own] });
    if (full.length <= limit) return full;
    return packet.encode({ ...base, flags: header | TC, additionals: own });
  }
}

/** A response carrying only the query's header: for messages too broken to answer properly. */
function headerOnly(msg: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  msg.copy(out, 0, 0, 2);
  out.writeUInt16BE(QR | RA | (msg.readUInt16BE(2) & (0x7800 | RD)) | rcode, 2);
  return out;
}
