// Kubernetes' CEL URL library (k8s.io/apiserver/pkg/cel/library/urls.go): url(), isURL() and the
// getters. A URL value is carried as its (validated) string, so the getters are string methods.
import { celFunc, celMethod, CelScalar, listType, mapType } from '@bufbuild/cel';
import { fail } from './common.js';
import type { CelFunc } from '@bufbuild/cel';

interface ParsedUrl { scheme: string; host: string; hostname: string; port: string; path: string; query: URLSearchParams }

/** An absolute URI or an absolute path, as upstream accepts (Go's url.ParseRequestURI). */
function parseUrl(s: string): ParsedUrl | undefined {
  if (s.startsWith('/')) {
    if (s.startsWith('//')) return undefined;
    const u = new URL(s, 'http://placeholder');
    return { scheme: '', host: '', hostname: '', port: '', path: u.pathname, query: u.searchParams };
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s)) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { scheme: u.protocol.slice(0, -1), host: u.host, hostname, port: u.port, path: u.pathname, query: u.searchParams };
}

function getter(name: string, pick: (u: ParsedUrl) => string): CelFunc {
  return celMethod(name, CelScalar.STRING, [], CelScalar.STRING, function () {
    const u = parseUrl(this);
    return u ? pick(u) : fail(`URL parse error during conversion from string: ${this}`);
  });
}

export const urlsLibrary: CelFunc[] = [
  celFunc('url', [CelScalar.STRING], CelScalar.STRING, (s) => (parseUrl(s) ? s : fail(`URL parse error during conversion from string: ${s}`))),
  celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s) => parseUrl(s) !== undefined),
  getter('getScheme', (u) => u.scheme),
  getter('getHost', (u) => u.host),
  getter('getHostname', (u) => u.hostname),
  getter('getPort', (u) => u.port),
  getter('getEscapedPath', (u) => u.path),
  celMethod('getQuery', CelScalar.STRING, [], mapType(CelScalar.STRING, listType(CelScalar.STRING)), function () {
    const u = parseUrl(this);
    if (!u) return fail(`URL parse error during conversion from string: ${this}`);
    const out = new Map<string, string[]>();
    for (const [k, v] of u.query) out.set(k, [...(out.get(k) ?? []), v]);
    return out;
  }),
];
