// Decoding of request bodies sent as application/vnd.kubernetes.protobuf, the form client-go's
// typed clients (and so kubectl create, run, autoscale, drain …) write with no JSON fallback.
// The envelope is 4 magic bytes then a runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind},
// 2 raw, 3 contentEncoding, 4 contentType}; raw is the typed message. Its fields are read by
// walking the schema DSL (what JSON type a field has) together with the protobuf tag tables
// (which number carries which field), so the result is the JSON object a JSON client would have
// sent. Only decoding: responses stay JSON, which every client accepts.
import protobuf from 'protobufjs/minimal.js';
import { lookupDefinition, resolve, type Schema } from '../../api/schema/dsl.js';
import { lookupProtoTags } from '../../api/schema/protobuf-tags.js';
// Every group's tag table registers itself on import.
import '../../api/core/v1/protobuf-tags.js';
import '../../api/apps/v1/protobuf-tags.js';
import '../../api/batch/v1/protobuf-tags.js';
import '../../api/autoscaling/v1/protobuf-tags.js';
import '../../api/autoscaling/v2/protobuf-tags.js';
import '../../api/policy/v1/protobuf-tags.js';
import '../../api/networking/v1/protobuf-tags.js';
import '../../api/rbac/v1/protobuf-tags.js';
import '../../api/coordination/v1/protobuf-tags.js';
import '../../api/discovery/v1/protobuf-tags.js';
import '../../api/storage/v1/protobuf-tags.js';
import '../../api/scheduling/v1/protobuf-tags.js';
import '../../api/events/v1/protobuf-tags.js';
import '../../api/admissionregistration/v1/protobuf-tags.js';
import '../../api/apiregistration/v1/protobuf-tags.js';
import '../../api/apiextensions/v1/protobuf-tags.js';
import { ApiError, errors } from '../errors.js';

type Reader = protobuf.Reader;

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"
const MAX_DEPTH = 256;

const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Maps the Unknown's apiVersion and kind to the schema definition to decode raw against. */
export type DefinitionLookup = (apiVersion: string, kind: string) => string | undefined;

type Json = Record<string, unknown>;

/** Decode a protobuf request body into the object's JSON form (apiVersion and kind included). */
export function decodeProtobufObject(buf: Buffer, lookup: DefinitionLookup): Json {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw errors.badRequest(`provided data does not appear to be a protobuf message, expected prefix ${JSON.stringify([...MAGIC])}`);
  }
  return guard(() => {
    const unknown = readUnknown(protobuf.Reader.create(buf.subarray(MAGIC.length)));
    if (unknown.contentEncoding) throw errors.badRequest(`unsupported protobuf content encoding "${unknown.contentEncoding}"`);
    if (unknown.contentType && unknown.contentType !== PROTOBUF_MEDIA_TYPE) throw errors.badRequest(`unsupported protobuf content type "${unknown.contentType}"`);
    const def = lookup(unknown.apiVersion, unknown.kind);
    if (!def) throw errors.badRequest(`no kind "${unknown.kind}" is registered for version "${unknown.apiVersion}"`);
    const obj: Json = {};
    if (unknown.apiVersion) obj['apiVersion'] = unknown.apiVersion;
    if (unknown.kind) obj['kind'] = unknown.kind;
    const r = protobuf.Reader.create(unknown.raw);
    decodeMessageInto(r, r.len, def, obj, 0);
    return obj;
  });
}

interface Unknown {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

function readUnknown(r: Reader): Unknown {
  const u: Unknown = { apiVersion: '', kind: '', raw: new Uint8Array(), contentEncoding: '', contentType: '' };
  while (r.pos < r.len) {
    const tag = r.uint32();
    const wire = tag & 7;
    switch (tag >>> 3) {
      case 1: {
        expectWire(wire, WIRE_LEN, 'runtime.Unknown.typeMeta');
        const end = subEnd(r, r.len);
        while (r.pos < end) {
          const t = r.uint32();
          if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) u.apiVersion = r.string();
          else if (t >>> 3 === 2 && (t & 7) === WIRE_LEN) u.kind = r.string();
          else r.skipType(t & 7);
        }
        checkEnd(r, end);
        break;
      }
      case 2:
        expectWire(wire, WIRE_LEN, 'runtime.Unknown.raw');
        u.raw = r.bytes();
        break;
      case 3:
        expectWire(wire, WIRE_LEN, 'runtime.Unknown.contentEncoding');
        u.contentEncoding = r.string();
        break;
      case 4:
        expectWire(wire, WIRE_LEN, 'runtime.Unknown.contentType');
        u.contentType = r.string();
        break;
      default:
        r.skipType(wire);
    }
  }
  return u;
}

/** Read one message of definition `def` whose bytes end at `end`, adding its fields to `out`. */
function decodeMessageInto(r: Reader, end: number, def: string, out: Json, depth: number, schemaOf: string = def): void {
  if (depth > MAX_DEPTH) throw errors.badRequest(`the object nests deeper than ${MAX_DEPTH} levels`);
  const tags = lookupProtoTags(def);
  if (!tags) throw unsupportedType(def);
  const schema = lookupDefinition(schemaOf);
  const resolved = schema ? resolve(schema) : undefined;
  if (!resolved || resolved.type !== 'object') throw unsupportedType(schemaOf);
  while (r.pos < end) {
    const tag = r.uint32();
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = tags.byNumber.get(num);
    if (field === undefined) {
      const inlined = tags.inline.get(num);
      if (inlined !== undefined) {
        // An embedded Go struct: its fields belong to this JSON object.
        expectWire(wire, WIRE_LEN, `${def} field ${num}`);
        decodeMessageInto(r, subEnd(r, end), inlined, out, depth + 1, schemaOf);
        continue;
      }
      r.skipType(wire); // a field this server does not know: skipped, as upstream skips it
      continue;
    }
    const fieldSchema = resolved.properties[field];
    if (!fieldSchema) {
      r.skipType(wire);
      continue;
    }
    decodeField(r, wire, end, fieldSchema, out, field, `${def}.${field}`, depth);
  }
  checkEnd(r, end);
  for (const f of tags.omitEmpty) if (isZeroScalar(out[f])) delete out[f];
}

function decodeField(r: Reader, wire: number, end: number, s: Schema, out: Json, key: string, path: string, depth: number): void {
  const res = resolve(s);
  if (res.type === 'array') {
    const list = (Array.isArray(out[key]) ? out[key] : (out[key] = [])) as unknown[];
    const item = resolve(res.items);
    if (wire === WIRE_LEN && (item.type === 'integer' || item.type === 'number' || item.type === 'boolean')) {
      // packed repeated scalars
      const stop = subEnd(r, end);
      while (r.pos < stop) list.push(decodeValue(r, scalarWire(item.type, item.type === 'number'), stop, res.items, path, depth));
      checkEnd(r, stop);
      return;
    }
    const v = decodeValue(r, wire, end, res.items, path, depth);
    list.push(v === undefined ? null : v);
    return;
  }
  if (res.type === 'map') {
    expectWire(wire, WIRE_LEN, path);
    const map = (out[key] && typeof out[key] === 'object' ? out[key] : (out[key] = {})) as Json;
    const stop = subEnd(r, end);
    let k = '';
    let v: unknown;
    while (r.pos < stop) {
      const t = r.uint32();
      if (t >>> 3 === 1) {
        expectWire(t & 7, WIRE_LEN, `${path} key`);
        k = r.string();
      } else if (t >>> 3 === 2) v = decodeValue(r, t & 7, stop, res.values, `${path}[value]`, depth);
      else r.skipType(t & 7);
    }
    checkEnd(r, stop);
    map[k] = v === undefined ? zeroOf(res.values) : v;
    return;
  }
  const v = decodeValue(r, wire, end, s, path, depth);
  if (v === undefined) delete out[key];
  else out[key] = v;
}

/** One value of schema `s`; undefined where Go's JSON would hold null (a zero Time, an empty RawExtension). */
function decodeValue(r: Reader, wire: number, end: number, s: Schema, path: string, depth: number): unknown {
  if (s.type === 'ref') {
    switch (s.ref) {
      case TIME:
      case MICRO_TIME:
        expectWire(wire, WIRE_LEN, path);
        return readTime(r, subEnd(r, end), s.ref === MICRO_TIME, path);
      case QUANTITY:
        expectWire(wire, WIRE_LEN, path);
        return readQuantity(r, subEnd(r, end));
      case INT_OR_STRING:
        expectWire(wire, WIRE_LEN, path);
        return readIntOrString(r, subEnd(r, end));
    }
  }
  const res = resolve(s);
  switch (res.type) {
    case 'string':
      expectWire(wire, WIRE_LEN, path);
      return res.format === 'byte' ? Buffer.from(r.bytes()).toString('base64') : r.string();
    case 'integer':
      expectWire(wire, WIRE_VARINT, path);
      return res.format === 'int32' ? r.int32() : longToNumber(r.int64(), path);
    case 'number':
      if (wire === WIRE_FIXED32) return r.float();
      expectWire(wire, WIRE_FIXED64, path);
      return r.double();
    case 'boolean':
      expectWire(wire, WIRE_VARINT, path);
      return r.bool();
    case 'any':
      // RawExtension and FieldsV1 alike: {1 raw bytes} holding JSON.
      expectWire(wire, WIRE_LEN, path);
      return readRawJson(r, subEnd(r, end), path);
    case 'object': {
      expectWire(wire, WIRE_LEN, path);
      if (s.type !== 'ref') throw unsupportedType(path);
      const obj: Json = {};
      decodeMessageInto(r, subEnd(r, end), s.ref, obj, depth + 1);
      return obj;
    }
    default:
      throw unsupportedType(path);
  }
}

function readTime(r: Reader, end: number, micro: boolean, path: string): string | undefined {
  // Go writes the zero time as an empty message; its JSON form is null.
  if (r.pos === end) return undefined;
  let seconds = 0;
  let nanos = 0;
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 1 && (t & 7) === WIRE_VARINT) seconds = longToNumber(r.int64(), path);
    else if (t >>> 3 === 2 && (t & 7) === WIRE_VARINT) nanos = r.int32();
    else r.skipType(t & 7);
  }
  checkEnd(r, end);
  const d = new Date(seconds * 1000);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(d.getTime()) || year < 0 || year > 9999) throw errors.badRequest(`${path}: time outside of range [0,9999]`);
  const base = d.toISOString().slice(0, 19);
  if (!micro) return `${base}Z`;
  const micros = Math.max(0, Math.min(999_999, Math.floor(nanos / 1000)));
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

function readQuantity(r: Reader, end: number): string {
  let text = '';
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) text = r.string();
    else r.skipType(t & 7);
  }
  checkEnd(r, end);
  // An empty Quantity message is Go's zero Quantity, which it prints as "0".
  return text === '' ? '0' : text;
}

function readIntOrString(r: Reader, end: number): number | string {
  let type = 0;
  let intVal = 0;
  let strVal = '';
  while (r.pos < end) {
    const t = r.uint32();
    const num = t >>> 3;
    const wire = t & 7;
    if (num === 1 && wire === WIRE_VARINT) type = longToNumber(r.int64(), 'IntOrString.type');
    else if (num === 2 && wire === WIRE_VARINT) intVal = r.int32();
    else if (num === 3 && wire === WIRE_LEN) strVal = r.string();
    else r.skipType(wire);
  }
  checkEnd(r, end);
  return type === 1 ? strVal : intVal;
}

function readRawJson(r: Reader, end: number, path: string): unknown {
  let raw: Uint8Array | undefined;
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 1 && (t & 7) === WIRE_LEN) raw = r.bytes();
    else r.skipType(t & 7);
  }
  checkEnd(r, end);
  if (!raw || raw.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    throw errors.badRequest(`${path}: embedded object is not JSON: ${(err as Error).message}`);
  }
}

// ---- wire helpers ---------------------------------------------------------------------

/** The end offset of a length-delimited value starting at the reader, bounded by its parent. */
function subEnd(r: Reader, parentEnd: number): number {
  const len = r.uint32();
  if (len > parentEnd - r.pos) throw truncated();
  return r.pos + len;
}

function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw truncated();
}

function expectWire(got: number, want: number, path: string): void {
  if (got !== want) throw errors.badRequest(`protobuf field ${path} has wire type ${got}, expected ${want}`);
}

function scalarWire(type: 'integer' | 'number' | 'boolean', isDouble: boolean): number {
  return type === 'number' && isDouble ? WIRE_FIXED64 : WIRE_VARINT;
}

function longToNumber(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  const n = (v as { toNumber(): number }).toNumber();
  if (!Number.isSafeInteger(n)) throw errors.badRequest(`${path}: integer ${String(v)} is out of range`);
  return n;
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function zeroOf(s: Schema): unknown {
  if (s.type === 'ref' && s.ref === QUANTITY) return '0';
  if (s.type === 'ref' && s.ref === INT_OR_STRING) return 0;
  const res = resolve(s);
  switch (res.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'array':
    case 'any':
      return null;
    default:
      return {};
  }
}

function truncated(): ApiError {
  return errors.badRequest('the protobuf body is truncated or malformed');
}

function unsupportedType(name: string): ApiError {
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: `the protobuf encoding of ${name} is not supported by this server; send it as application/json`,
    reason: 'UnsupportedMediaType',
    code: 415,
  });
}

/** Turn the wire library's own failures (truncated varints, bad wire types) into a 400. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw errors.badRequest(`the protobuf body is malformed: ${(err as Error).message}`);
  }
}
