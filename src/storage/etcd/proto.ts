// The part of etcd's v3 API the store speaks (etcdserverpb rpc.proto and mvccpb kv.proto, field
// numbers as published by etcd), parsed at load time so the compiled JS needs no .proto file on
// disk. Only numbers and types travel on the wire; names are camelCased by protobufjs.
import protobuf from 'protobufjs';

const SOURCE = `
syntax = "proto3";
package etcdserverpb;

message KeyValue {
  bytes key = 1;
  int64 create_revision = 2;
  int64 mod_revision = 3;
  int64 version = 4;
  bytes value = 5;
  int64 lease = 6;
}

message Event {
  enum EventType { PUT = 0; DELETE = 1; }
  EventType type = 1;
  KeyValue kv = 2;
  KeyValue prev_kv = 3;
}

message ResponseHeader {
  uint64 cluster_id = 1;
  uint64 member_id = 2;
  int64 revision = 3;
  uint64 raft_term = 4;
}

message RangeRequest {
  bytes key = 1;
  bytes range_end = 2;
  int64 limit = 3;
  int64 revision = 4;
  int32 sort_order = 5;
  int32 sort_target = 6;
  bool serializable = 7;
  bool keys_only = 8;
  bool count_only = 9;
}
message RangeResponse {
  ResponseHeader header = 1;
  repeated KeyValue kvs = 2;
  bool more = 3;
  int64 count = 4;
}

message PutRequest {
  bytes key = 1;
  bytes value = 2;
  int64 lease = 3;
  bool prev_kv = 4;
}
message PutResponse {
  ResponseHeader header = 1;
  KeyValue prev_kv = 2;
}

message DeleteRangeRequest {
  bytes key = 1;
  bytes range_end = 2;
  bool prev_kv = 3;
}
message DeleteRangeResponse {
  ResponseHeader header = 1;
  int64 deleted = 2;
  repeated KeyValue prev_kvs = 3;
}

message RequestOp {
  oneof request {
    RangeRequest request_range = 1;
    PutRequest request_put = 2;
    DeleteRangeRequest request_delete_range = 3;
  }
}
message ResponseOp {
  oneof response {
    RangeResponse response_range = 1;
    PutResponse response_put = 2;
    DeleteRangeResponse response_delete_range = 3;
  }
}

message Compare {
  enum CompareResult { EQUAL = 0; GREATER = 1; LESS = 2; NOT_EQUAL = 3; }
  enum CompareTarget { VERSION = 0; CREATE = 1; MOD = 2; VALUE = 3; LEASE = 4; }
  CompareResult result = 1;
  CompareTarget target = 2;
  bytes key = 3;
  oneof target_union {
    int64 version = 4;
    int64 create_revision = 5;
    int64 mod_revision = 6;
    bytes value = 7;
    int64 lease = 8;
  }
  bytes range_end = 64;
}

message TxnRequest {
  repeated Compare compare = 1;
  repeated RequestOp success = 2;
  repeated RequestOp failure = 3;
}
message TxnResponse {
  ResponseHeader header = 1;
  bool succeeded = 2;
  repeated ResponseOp responses = 3;
}

message CompactionRequest {
  int64 revision = 1;
  bool physical = 2;
}
message CompactionResponse {
  ResponseHeader header = 1;
}

// Maintenance.Snapshot: the member's backend database streamed in chunks; etcd sends the sha256
// of the database as the last 32 bytes of the stream.
message SnapshotRequest {}
message SnapshotResponse {
  ResponseHeader header = 1;
  uint64 remaining_bytes = 2;
  bytes blob = 3;
}

message StatusRequest {}
message StatusResponse {
  ResponseHeader header = 1;
  string version = 2;
  int64 db_size = 3;
  uint64 leader = 4;
}

message WatchRequest {
  oneof request_union {
    WatchCreateRequest create_request = 1;
    WatchCancelRequest cancel_request = 2;
    WatchProgressRequest progress_request = 3;
  }
}
message WatchCreateRequest {
  bytes key = 1;
  bytes range_end = 2;
  int64 start_revision = 3;
  bool progress_notify = 4;
  repeated int32 filters = 5;
  bool prev_kv = 6;
}
message WatchCancelRequest {
  int64 watch_id = 1;
}
message WatchProgressRequest {}
message WatchResponse {
  ResponseHeader header = 1;
  int64 watch_id = 2;
  bool created = 3;
  bool canceled = 4;
  int64 compact_revision = 5;
  string cancel_reason = 6;
  bool fragment = 7;
  repeated Event events = 11;
}

// The Cluster service: membership, for servers joining an embedded etcd.
message Member {
  uint64 ID = 1;
  string name = 2;
  repeated string peerURLs = 3;
  repeated string clientURLs = 4;
  bool isLearner = 5;
}
message MemberAddRequest {
  repeated string peerURLs = 1;
  bool isLearner = 2;
}
message MemberAddResponse {
  ResponseHeader header = 1;
  Member member = 2;
  repeated Member members = 3;
}
message MemberRemoveRequest {
  uint64 ID = 1;
}
message MemberRemoveResponse {
  ResponseHeader header = 1;
  repeated Member members = 2;
}
message MemberListRequest {}
message MemberListResponse {
  ResponseHeader header = 1;
  repeated Member members = 2;
}
`;

const root = protobuf.parse(SOURCE).root;
const type = (name: string): protobuf.Type => root.lookupType(`etcdserverpb.${name}`);

// Decoded messages as plain objects: int64 as numbers (revisions stay far below 2^53), bytes as Buffers.
const DECODE: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true };
/** Member IDs are random 64-bit numbers: exact, as decimal strings. */
const DECODE_IDS: protobuf.IConversionOptions = { ...DECODE, longs: String };

export interface Member {
  /** Decimal, exact. */
  ID: string;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}
export interface MemberListResponse {
  header: WireHeader;
  members: Member[];
}
export interface MemberAddResponse {
  header: WireHeader;
  member: Member;
  members: Member[];
}

export interface WireKeyValue {
  key: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Buffer;
}
export interface WireHeader {
  revision: number;
}
export interface WireEvent {
  type: 'PUT' | 'DELETE';
  kv: WireKeyValue;
  prevKv?: WireKeyValue | null;
}
export interface RangeResponse {
  header: WireHeader;
  kvs: WireKeyValue[];
  more: boolean;
  count: number;
}
export interface PutResponse {
  header: WireHeader;
  prevKv?: WireKeyValue | null;
}
export interface DeleteRangeResponse {
  header: WireHeader;
  deleted: number;
  prevKvs: WireKeyValue[];
}
export interface ResponseOp {
  responseRange?: RangeResponse | null;
  responsePut?: PutResponse | null;
  responseDeleteRange?: DeleteRangeResponse | null;
}
export interface TxnResponse {
  header: WireHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}
export interface CompactionResponse {
  header: WireHeader;
}
export interface StatusResponse {
  header: WireHeader;
  version: string;
}
export interface SnapshotResponse {
  remainingBytes: number;
  blob: Buffer;
}
export interface WatchResponse {
  header: WireHeader;
  watchId: number;
  created: boolean;
  canceled: boolean;
  compactRevision: number;
  cancelReason: string;
  fragment: boolean;
  events: WireEvent[];
}

export interface RangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  revision?: number;
  countOnly?: boolean;
}
export interface PutRequest {
  key: Buffer;
  value: Buffer;
}
export interface DeleteRangeRequest {
  key: Buffer;
  rangeEnd?: Buffer;
  prevKv?: boolean;
}
export interface RequestOp {
  requestRange?: RangeRequest;
  requestPut?: PutRequest;
  requestDeleteRange?: DeleteRangeRequest;
}
export interface Compare {
  result: 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
  target: 'VERSION' | 'CREATE' | 'MOD';
  key: Buffer;
  createRevision?: number;
  modRevision?: number;
}
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}
export interface CompactionRequest {
  revision: number;
  physical?: boolean;
}
export interface WatchCreateRequest {
  key: Buffer;
  rangeEnd: Buffer;
  startRevision: number;
  progressNotify: boolean;
  prevKv: boolean;
}
export type WatchRequest = { createRequest: WatchCreateRequest } | { cancelRequest: { watchId: number } } | { progressRequest: Record<string, never> };

export interface Codec<T> {
  encode(message: T): Buffer;
  decode(bytes: Buffer): T;
}

function codec<T>(name: string, decodeOptions: protobuf.IConversionOptions = DECODE): Codec<T> {
  const t = type(name);
  return {
    // fromObject turns enum names into numbers; oneof members are set by presence.
    encode: (message) => {
      const bytes = t.encode(t.fromObject(message as object)).finish();
      // protobufjs already writes into a Buffer under Node: hand it on without a copy.
      return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
    decode: (bytes) => t.toObject(t.decode(bytes), decodeOptions) as T,
  };
}

export const messages = {
  RangeRequest: codec<RangeRequest>('RangeRequest'),
  RangeResponse: codec<RangeResponse>('RangeResponse'),
  PutRequest: codec<PutRequest>('PutRequest'),
  PutResponse: codec<PutResponse>('PutResponse'),
  DeleteRangeRequest: codec<DeleteRangeRequest>('DeleteRangeRequest'),
  DeleteRangeResponse: codec<DeleteRangeResponse>('DeleteRangeResponse'),
  TxnRequest: codec<TxnRequest>('TxnRequest'),
  TxnResponse: codec<TxnResponse>('TxnResponse'),
  CompactionRequest: codec<CompactionRequest>('CompactionRequest'),
  CompactionResponse: codec<CompactionResponse>('CompactionResponse'),
  SnapshotRequest: codec<Record<string, never>>('SnapshotRequest'),
  SnapshotResponse: codec<SnapshotResponse>('SnapshotResponse'),
  StatusRequest: codec<Record<string, never>>('StatusRequest'),
  StatusResponse: codec<StatusResponse>('StatusResponse'),
  WatchRequest: codec<WatchRequest>('WatchRequest'),
  WatchResponse: codec<WatchResponse>('WatchResponse'),
  MemberAddRequest: codec<{ peerURLs: string[] }>('MemberAddRequest'),
  MemberAddResponse: codec<MemberAddResponse>('MemberAddResponse', DECODE_IDS),
  MemberRemoveRequest: codec<{ ID: string }>('MemberRemoveRequest'),
  MemberRemoveResponse: codec<MemberListResponse>('MemberRemoveResponse', DECODE_IDS),
  MemberListRequest: codec<Record<string, never>>('MemberListRequest'),
  MemberListResponse: codec<MemberListResponse>('MemberListResponse', DECODE_IDS),
};
