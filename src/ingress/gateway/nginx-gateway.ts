// Gateway routes as nginx configuration. nginx's own location matching cannot express the
// Gateway API's precedence (headers, query parameters and methods take part, and a rule that
// fails its header test falls back to a shorter path), so a server's rules are tried in one
// dispatching location: each rule's tests are `if`s on $uri, $http_*, $arg_* and
// $request_method, checked from the least to the most precedent so the last that holds wins, and
// the request is handed (an internal rewrite) to the location of the rule's action, which
// applies its filters and proxies to its backends, split by weight with split_clients.
import { PROXY_HEADERS } from '../proxy-headers.js';
import type { GatewayRule, RouteAction, Test, WeightedTarget } from './model.js';
import type { PathModifier } from './types.js';

const INTERNAL = '/_k8ts_gw';

/** A literal as a PCRE pattern (the Gateway API's Exact matches, and prefixes). */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\${c}`);
const headerVar = (name: string) => `$http_${name.toLowerCase().replace(/-/g, '_')}`;

function condition(t: Test): string {
  switch (t.on) {
    case 'path':
      if (t.type === 'Exact') return `$uri ~ "^${literal(t.value)}$"`;
      if (t.type === 'PathPrefix') return `$uri ~ "^${literal(t.value)}(/|$)"`;
      return `$uri ~ "^(?:${t.value})$"`;
    case 'method':
      return `$request_method = ${t.value}`;
    case 'header':
    case 'query': {
      const v = t.on === 'header' ? headerVar(t.name) : `$arg_${t.name}`;
      return t.type === 'Exact' ? `${v} ~ "^${literal(t.value)}$"` : `${v} ~ "^(?:${t.value})$"`;
    }
  }
}

/** The location that tries a server's rules and hands the request to the first that matches. */
export function dispatchLocation(rules: GatewayRule[]): string {
  const lines = ['    location / {', '      set $k8ts_gw "";'];
  for (const r of [...rules].reverse()) {
    if (!r.tests.length) {
      lines.push(`      set $k8ts_gw ${r.action.id};`);
      continue;
    }
    lines.push('      set $k8ts_gw_t "";');
    for (const t of r.tests) lines.push(`      if (${condition(t)}) {`, '        set $k8ts_gw_t "${k8ts_gw_t}x";', '      }');
    lines.push(`      if ($k8ts_gw_t = "${'x'.repeat(r.tests.length)}") {`, `        set $k8ts_gw ${r.action.id};`, '      }');
  }
  lines.push('      if ($k8ts_gw = "") {', '        return 404;', '      }', `      rewrite ^ ${INTERNAL}/$k8ts_gw$uri last;`, '    }');
  return lines.join('\n');
}

const targetName = (t: WeightedTarget['target']) => ('upstream' in t ? t.upstream : `_${t.status}`);

/** http-level blocks the actions need: the weighted splits and the values of `add` request headers. */
export function gatewayHttpBlocks(actions: RouteAction[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    if (a.backends.length > 1) {
      const total = a.backends.reduce((n, b) => n + b.weight, 0);
      const lines = [`  split_clients "\${request_id}" $k8ts_split_${a.id} {`];
      a.backends.forEach((b, i) => {
        const share = i === a.backends.length - 1 ? '*' : `${(Math.floor((b.weight / total) * 10000) / 100).toFixed(2)}%`;
        lines.push(`    ${share} ${targetName(b.target)};`);
      });
      out.push(lines.join('\n') + '\n  }');
    }
    (a.requestHeaders?.add ?? []).forEach((h, i) => {
      out.push(`  map ${headerVar(h.name)} $k8ts_add_${a.id}_${i} {\n    "" "${h.value}";\n    default "${headerVar(h.name)},${h.value}";\n  }`);
    });
  }
  return out;
}

/** The path the request goes on with (the URLRewrite or redirect path modifier applied), into $k8ts_path. */
function pathLines(a: RouteAction, path: PathModifier | undefined): string[] {
  const lines = ['      set $k8ts_path $uri;', `      if ($uri ~ "^${literal(`${INTERNAL}/${a.id}`)}(/.*)$") {`, '        set $k8ts_path $1;', '      }'];
  if (path?.type === 'ReplaceFullPath' && path.replaceFullPath !== undefined) lines.push(`      set $k8ts_path "${path.replaceFullPath}";`);
  if (path?.type === 'ReplacePrefixMatch' && path.replacePrefixMatch !== undefined && a.prefix !== undefined) {
    const prefix = a.prefix === '/' ? '' : a.prefix;
    const replacement = path.replacePrefixMatch.replace(/\/+$/, '');
    lines.push(`      if ($k8ts_path ~ "^${literal(prefix)}(/.*)?$") {`, `        set $k8ts_path "${replacement}$1";`, '      }', '      if ($k8ts_path = "") {', '        set $k8ts_path /;', '      }');
  }
  return lines;
}

const WELL_KNOWN: Record<string, number> = { http: 80, https: 443 };

function redirectLines(a: RouteAction): string[] {
  const r = a.redirect!;
  const scheme = r.scheme ?? '$scheme';
  const host = r.hostname ?? '$host';
  // The spec's port: the one given; else the scheme's well-known one when a scheme is given; else the listener's.
  const port = r.port ?? (r.scheme ? WELL_KNOWN[r.scheme] : r.listenerPort);
  const wellKnown = WELL_KNOWN[r.scheme ?? 'http'] === port;
  return [...pathLines(a, r.path), `      return ${r.statusCode} "${scheme}://${host}${wellKnown ? '' : `:${port}`}$k8ts_path$is_args$args";`];
}

function proxyLines(a: RouteAction): string[] {
  // What answers with a status of its own comes first: after `rewrite … break` no `return` runs.
  const single = a.backends.length === 1 ? a.backends[0]!.target : undefined;
  if (!a.backends.length) return ['      return 500;'];
  if (single && 'status' in single) return [`      return ${single.status};`];
  const lines: string[] = [];
  const v = `$k8ts_split_${a.id}`;
  if (!single) for (const status of [500, 503]) if (a.backends.some((b) => 'status' in b.target && b.target.status === status)) lines.push(`      if (${v} = _${status}) {`, `        return ${status};`, '      }');
  lines.push(...pathLines(a, a.rewrite?.path), '      rewrite ^ $k8ts_path break;');
  const headers = new Map<string, string>(PROXY_HEADERS.map(([n, val]) => [n.toLowerCase(), `${n} ${val}`]));
  if (a.rewrite?.hostname) headers.set('host', `Host "${a.rewrite.hostname}"`);
  const mod = a.requestHeaders;
  for (const h of mod?.set ?? []) headers.set(h.name.toLowerCase(), `${h.name} "${h.value}"`);
  (mod?.add ?? []).forEach((h, i) => headers.set(h.name.toLowerCase(), `${h.name} $k8ts_add_${a.id}_${i}`));
  for (const n of mod?.remove ?? []) headers.set(n.toLowerCase(), `${n} ""`);
  for (const h of headers.values()) lines.push(`      proxy_set_header ${h};`);
  const res = a.responseHeaders;
  for (const h of res?.set ?? []) lines.push(`      proxy_hide_header ${h.name};`, `      add_header ${h.name} "${h.value}" always;`);
  for (const h of res?.add ?? []) lines.push(`      add_header ${h.name} "${h.value}" always;`);
  for (const n of res?.remove ?? []) lines.push(`      proxy_hide_header ${n};`);
  lines.push(single && 'upstream' in single ? `      proxy_pass http://${single.upstream};` : `      proxy_pass http://${v};`);
  return lines;
}

/** The internal location of each action: reached only through the dispatching location. */
export function actionLocations(rules: GatewayRule[]): string[] {
  return rules.map(({ action: a }) => [`    location ^~ ${INTERNAL}/${a.id}/ {`, '      internal;', ...(a.redirect ? redirectLines(a) : proxyLines(a)), '    }'].join('\n'));
}
