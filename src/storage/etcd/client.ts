// A small etcd v3 client over @grpc/grpc-js: the KV, Watch and Maintenance calls the store needs,
// over one channel per endpoint. With several endpoints (k3s's comma list) a call that finds its
// endpoint unreachable moves on to the next one; etcd members share one keyspace, so any of them
// answers the same.
import * as grpc from '@grpc/grpc-js';
import { messages, type Codec, type CompactionRequest, type CompactionResponse, type DeleteRangeRequest, type DeleteRangeResponse, type PutRequest, type PutResponse, type RangeRequest, type RangeResponse, type MemberAddResponse, type MemberListResponse, type SnapshotResponse, type StatusResponse, type TxnRequest, type TxnResponse, type WatchRequest, type WatchResponse } from './proto.js';

export interface EtcdTls {
  /** PEM of the CA that signed the etcd servers' certificates. */
  ca?: Buffer;
  /** Client certificate and key, for etcd's --client-cert-auth. */
  cert?: Buffer;
  key?: Buffer;
}

export interface EtcdClientOptions {
  /** `http://host:port` or `https://host:port`, one or more. */
  endpoints: string[];
  tls?: EtcdTls;
  /** Deadline of one unary call (default 30 s, as the API server's etcd request timeout is 15 s per try). */
  callTimeoutMs?: number;
}

/** A failed etcd call, keeping the gRPC code and etcd's message ("etcdserver: mvcc: …"). */
export class EtcdError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    readonly endpoint: string,
  ) {
    super(`etcd ${method} (${endpoint}): ${details || grpc.status[code] || `code ${code}`}`);
  }
}

export interface Endpoint {
  secure: boolean;
  /** host:port as gRPC dials it. */
  address: string;
}

export function parseEndpoints(endpoints: string[]): Endpoint[] {
  if (endpoints.length === 0) throw new Error('etcd: no endpoints');
  return endpoints.map((raw) => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new Error(`etcd endpoint ${JSON.stringify(raw)} is not a URL: expected http://host:2379 or https://host:2379`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`etcd endpoint ${JSON.stringify(raw)}: scheme must be http or https`);
    if (u.pathname !== '/' && u.pathname !== '') throw new Error(`etcd endpoint ${JSON.stringify(raw)}: a path is not allowed`);
    return { secure: u.protocol === 'https:', address: `${u.hostname}:${u.port || '2379'}` };
  });
}

const KV = '/etcdserverpb.KV';
const CLUSTER = '/etcdserverpb.Cluster';

export class EtcdClient {
  private readonly endpoints: Endpoint[];
  private readonly clients: (grpc.Client | undefined)[];
  private active = 0;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly opts: EtcdClientOptions) {
    this.endpoints = parseEndpoints(opts.endpoints);
    this.clients = this.endpoints.map(() => undefined);
    this.timeoutMs = opts.callTimeoutMs ?? 30_000;
  }

  range(req: RangeRequest): Promise<RangeResponse> {
    return this.unary(`${KV}/Range`, messages.RangeRequest, messages.RangeResponse, req);
  }
  put(req: PutRequest): Promise<PutResponse> {
    return this.unary(`${KV}/Put`, messages.PutRequest, messages.PutResponse, req);
  }
  deleteRange(req: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return this.unary(`${KV}/DeleteRange`, messages.DeleteRangeRequest, messages.DeleteRangeResponse, req);
  }
  txn(req: TxnRequest): Promise<TxnResponse> {
    return this.unary(`${KV}/Txn`, messages.TxnRequest, messages.TxnResponse, req);
  }
  compact(req: CompactionRequest): Promise<CompactionResponse> {
    return this.unary(`${KV}/Compact`, messages.CompactionRequest, messages.CompactionResponse, req);
  }
  memberList(): Promise<MemberListResponse> {
    return this.unary(`${CLUSTER}/MemberList`, messages.MemberListRequest, messages.MemberListResponse, {});
  }
  memberAdd(peerURLs: string[]): Promise<MemberAddResponse> {
    return this.unary(`${CLUSTER}/MemberAdd`, messages.MemberAddRequest, messages.MemberAddResponse, { peerURLs });
  }
  memberRemove(id: string): Promise<MemberListResponse> {
    return this.unary(`${CLUSTER}/MemberRemove`, messages.MemberRemoveRequest, messages.MemberRemoveResponse, { ID: id });
  }
  status(): Promise<StatusResponse> {
    return this.unary('/etcdserverpb.Maintenance/Status', messages.StatusRequest, messages.StatusResponse, {});
  }

  /**
   * Maintenance.Snapshot: the member's database as a stream of chunks (the last 32 bytes of
   * the whole are its sha256), from the endpoint in use; no deadline, a database may be large.
   */
  snapshot(): grpc.ClientReadableStream<SnapshotResponse> {
    const enc = messages.SnapshotRequest;
    const dec = messages.SnapshotResponse;
    return this.client(this.active).makeServerStreamRequest('/etcdserverpb.Maintenance/Snapshot', (m: Record<string, never>) => enc.encode(m), (b: Buffer) => dec.decode(b), {}, new grpc.Metadata());
  }

  /** Opens a Watch stream on the endpoint in use; the caller handles its end and reconnects. */
  watchStream(): grpc.ClientDuplexStream<WatchRequest, WatchResponse> {
    const enc = messages.WatchRequest;
    const dec = messages.WatchResponse;
    return this.client(this.active).makeBidiStreamRequest('/etcdserverpb.Watch/Watch', (m: WatchRequest) => enc.encode(m), (b: Buffer) => dec.decode(b), new grpc.Metadata());
  }

  /** After a watch stream failed to connect: use the next endpoint for the next one. */
  rotate(): void {
    this.active = (this.active + 1) % this.endpoints.length;
  }

  close(): void {
    this.closed = true;
    for (const c of this.clients) c?.close();
  }

  private client(i: number): grpc.Client {
    if (this.closed) throw new Error('etcd client is closed');
    let c = this.clients[i];
    if (!c) {
      const ep = this.endpoints[i]!;
      const tls = this.opts.tls;
      const creds = ep.secure ? grpc.credentials.createSsl(tls?.ca ?? null, tls?.key ?? null, tls?.cert ?? null) : grpc.credentials.createInsecure();
      c = new grpc.Client(ep.address, creds, {
        // Lists of a large cluster exceed gRPC's 4 MiB default; etcd itself allows up to 1.5 MiB per value.
        'grpc.max_receive_message_length': 512 * 1024 * 1024,
        'grpc.keepalive_time_ms': 30_000,
        'grpc.keepalive_timeout_ms': 10_000,
        // Idle watch streams are the point of keepalive here.
        'grpc.keepalive_permit_without_calls': 1,
      });
      this.clients[i] = c;
    }
    return c;
  }

  private async unary<Req, Res>(method: string, enc: Codec<Req>, dec: Codec<Res>, req: Req): Promise<Res> {
    // Only UNAVAILABLE moves to another member: the request did not reach a server, so retrying
    // cannot apply a write twice.
    for (let tries = 0; ; tries++) {
      const i = this.active;
      try {
        return await this.once(i, method, enc, dec, req);
      } catch (err) {
        if (!(err instanceof EtcdError) || err.code !== grpc.status.UNAVAILABLE || tries + 1 >= this.endpoints.length) throw err;
        if (this.active === i) this.rotate();
      }
    }
  }

  private once<Req, Res>(i: number, method: string, enc: Codec<Req>, dec: Codec<Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + this.timeoutMs;
      this.client(i).makeUnaryRequest(method, (m: Req) => enc.encode(m), (b: Buffer) => dec.decode(b), req, new grpc.Metadata(), { deadline }, (err, res) => {
        if (err) reject(new EtcdError(method.slice(method.lastIndexOf('/') + 1), err.code ?? grpc.status.UNKNOWN, err.details ?? err.message, this.endpoints[i]!.address));
        else resolve(res!);
      });
    });
  }
}
