// /openapi/v2 and /openapi/v3: documents built once from the registry and served with the
// content hashes clients use for caching.
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { errors } from '../errors.js';
import { sendText } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import { groupVersionPath, hashOf, openApiV2, openApiV3 } from './documents.js';
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_CONTENT_TYPE } from './encode-v2.js';

interface Built {
  v2: string;
  /** The protobuf form of v2, encoded on first request: most clients never ask for it. */
  v2Proto?: { bytes: Buffer; hash: string };
  v3: Map<string, { text: string; hash: string }>;
  index: string;
  /** The registry revision the documents describe. */
  revision: number;
}

const built = new WeakMap<Registry, Built>();

function build(registry: Registry): Built {
  let b = built.get(registry);
  if (b && b.revision === registry.revision) return b;
  const v3 = new Map<string, { text: string; hash: string }>();
  for (const g of registry.groups()) {
    for (const v of g.versions) {
      const doc = openApiV3(registry, g.group, v);
      if (!doc) continue;
      const text = JSON.stringify(doc);
      v3.set(groupVersionPath(g.group, v), { text, hash: hashOf(text) });
    }
  }
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [p, d] of v3) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
  b = { v2: JSON.stringify(openApiV2(registry)), v3, index: JSON.stringify({ paths }), revision: registry.revision };
  built.set(registry, b);
  return b;
}

/** Media types /openapi/v2 answers in, by what the Accept header names; undefined when none fits. */
export function negotiateV2(accept: string): 'json' | 'protobuf' | undefined {
  if (!accept.trim()) return 'json';
  for (const range of accept.split(',')) {
    const type = range.split(';')[0]!.trim().toLowerCase();
    // kubectl asks with "@v1.0"; the ".v1.0" spelling is the one Go's mime parser accepts.
    if (type === OPENAPI_V2_PROTOBUF || type === OPENAPI_V2_PROTOBUF_CONTENT_TYPE) return 'protobuf';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
  }
  return undefined;
}

function v2Proto(b: Built): { bytes: Buffer; hash: string } {
  if (!b.v2Proto) {
    const bytes = Buffer.from(encodeOpenApiV2(JSON.parse(b.v2) as Record<string, unknown>));
    b.v2Proto = { bytes, hash: hashOf(bytes.toString('base64')) };
  }
  return b.v2Proto;
}

export function serveOpenApi(registry: Registry, path: string, req: Http2ServerRequest, res: Http2ServerResponse): void {
  const b = build(registry);
  if (path === '/openapi/v2') {
    const form = negotiateV2(String(req.headers['accept'] ?? ''));
    if (!form) throw errors.notAcceptable(`only application/json and ${OPENAPI_V2_PROTOBUF} are served for /openapi/v2`);
    if (form === 'json') return sendText(res, 200, b.v2, 'application/json');
    const { bytes, hash } = v2Proto(b);
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'Content-Length': bytes.length, Etag: `"${hash}"`, 'Cache-Control': 'no-cache, private' });
    res.end(bytes);
    return;
  }
  if (path === '/openapi/v3') return sendText(res, 200, b.index, 'application/json');
  const doc = b.v3.get(path.slice('/openapi/v3/'.length));
  if (!doc) throw errors.notFoundPath();
  res.setHeader('Etag', `"${doc.hash}"`);
  return sendText(res, 200, doc.text, 'application/json');
}
