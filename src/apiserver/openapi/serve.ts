// /openapi/v2 and /openapi/v3: documents built once from the registry and served with the
// content hashes clients use for caching.
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { errors } from '../errors.js';
import { sendText } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import { groupVersionPath, hashOf, openApiV2, openApiV3 } from './documents.js';

interface Built {
  v2: string;
  v3: Map<string, { text: string; hash: string }>;
  index: string;
}

const built = new WeakMap<Registry, Built>();

function build(registry: Registry): Built {
  let b = built.get(registry);
  if (b) return b;
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
  b = { v2: JSON.stringify(openApiV2(registry)), v3, index: JSON.stringify({ paths }) };
  built.set(registry, b);
  return b;
}

export function serveOpenApi(registry: Registry, path: string, req: Http2ServerRequest, res: Http2ServerResponse): void {
  const b = build(registry);
  if (path === '/openapi/v2') {
    const accept = String(req.headers['accept'] ?? '');
    if (accept && !/json|\*\/\*/.test(accept)) throw errors.notAcceptable('only application/json is served for /openapi/v2');
    return sendText(res, 200, b.v2, 'application/json');
  }
  if (path === '/openapi/v3') return sendText(res, 200, b.index, 'application/json');
  const doc = b.v3.get(path.slice('/openapi/v3/'.length));
  if (!doc) throw errors.notFoundPath();
  res.setHeader('Etag', `"${doc.hash}"`);
  return sendText(res, 200, doc.text, 'application/json');
}
