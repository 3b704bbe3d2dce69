// Request bodies: bounded in size, decoded from JSON or YAML with bounded aliases and depth,
// so that no input can exhaust the server; duplicate keys are noted for field validation.
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { parseAllDocuments, parseDocument } from 'yaml';
import { errors } from '../errors.js';
import { noteRequestBody } from './request-body.js';
import { findDuplicateJsonKeys, findDuplicateYamlKeys } from './duplicate-keys.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MAX_DEPTH = 256;

export type AnyRequest = IncomingMessage | Http2ServerRequest;

export async function readBody(req: AnyRequest, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw errors.tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw errors.tooLarge();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  noteRequestBody(req, body);
  return body;
}

export function mediaType(req: AnyRequest): string {
  const ct = String(req.headers['content-type'] ?? '');
  return ct.split(';')[0]!.trim().toLowerCase();
}

function checkDepth(v: unknown, depth = 0): void {
  if (depth > MAX_DEPTH) throw errors.badRequest(`the object nests deeper than ${MAX_DEPTH} levels`);
  if (v && typeof v === 'object') {
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x && typeof x === 'object') checkDepth(x, depth + 1);
  }
}

export function isYaml(type: string): boolean {
  return type === 'application/yaml' || type === 'application/x-yaml' || type === 'text/yaml' || type === 'application/apply-patch+yaml';
}

/** Decode a JSON or YAML body to a value. */
export function decodeBody(buf: Buffer, type: string): unknown {
  const text = buf.toString('utf8');
  let value: unknown;
  if (isYaml(type)) {
    const docs = parseAllDocuments(text);
    if (Array.isArray(docs) && docs.length > 1) throw errors.badRequest('the body must contain a single YAML document');
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) throw errors.badRequest(`error converting YAML to JSON: ${doc.errors[0]!.message.split('\n')[0]}`);
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      throw errors.badRequest(`error converting YAML to JSON: ${(err as Error).message}`);
    }
    checkDepth(value);
    const lines = findDuplicateYamlKeys(doc, text);
    // Upstream converts YAML leniently (the last duplicate wins) and reports the strict
    // converter's complaint as one decoding error.
    if (lines.length) recordStrictErrors(value, [`error converting YAML to JSON: yaml: unmarshal errors:\n  ${lines.join('\n  ')}`]);
    return value;
  }
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw errors.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  checkDepth(value);
  const duplicates = findDuplicateJsonKeys(text);
  if (duplicates.length) recordStrictErrors(value, duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`));
  return value;
}

/**
 * Strict decoding errors found while decoding a body (duplicate keys: JSON.parse and YAML
 * keep the last value silently), kept beside the decoded value so that fieldValidation can
 * report or reject them once the request's mode is known.
 */
const strictErrors = new WeakMap<object, string[]>();

function recordStrictErrors(value: unknown, errs: string[]): void {
  if (value && typeof value === 'object') strictErrors.set(value, errs);
}

/** The strict decoding errors recorded when `value` was decoded by decodeBody (none otherwise). */
export function decodingStrictErrors(value: unknown): readonly string[] {
  if (!value || typeof value !== 'object') return [];
  return strictErrors.get(value) ?? [];
}

/** Decode and require an object body. */
export function decodeObject(buf: Buffer, type: string): Record<string, unknown> {
  if (buf.length === 0) throw errors.badRequest('the request body is empty');
  const v = decodeBody(buf, type);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw errors.badRequest("couldn't get version/kind; json parse error: the body is not a JSON object");
  return v as Record<string, unknown>;
}
