// The routing model as an nginx configuration, in ingress-nginx's shape: one server per host (the
// catch-all "_" server is the default backend), upstream blocks of endpoint addresses balanced
// round-robin with keep-alive connections, WebSocket upgrades passed through, and the forwarding
// headers set from what nginx saw (incoming X-Forwarded-* are not trusted, as ingress-nginx's
// use-forwarded-headers=false).
import { INGRESS_HTTP_LISTENER_PORT, type GatewayServer } from './gateway/model.js';
import { actionLocations, dispatchLocation, gatewayHttpBlocks } from './gateway/nginx-gateway.js';
import type { Location, RoutingModel, Upstream, VirtualServer } from './model.js';
import { PROXY_HEADERS } from './proxy-headers.js';

export interface NginxLayout {
  /** The controller's folder: pid, logs, temp files, certificates. */
  prefix: string;
  /** Addresses to listen on ("*" for all). */
  listen: string[];
  httpPort: number;
  httpsPort: number;
  /** nginx worker processes ("auto": one per core). */
  workers: number | 'auto';
  /** The worker user when running as root; undefined leaves nginx's default. */
  user?: string;
  /** Certificate file pair for an id from the model, and for the default certificate (id ""). */
  certPath(id: string): { cert: string; key: string };
}

const UPSTREAM_KEEPALIVE = 64;

/** A server_name: exact names as they are; "*.foo.com" matches one DNS label only, as the Ingress API says. */
export function serverName(host: string): string {
  if (host === '') return '_';
  if (host.startsWith('*.')) return `~^[^.]+${host.slice(1).replace(/\./g, '\\.')}$`;
  return host;
}

function listenLines(l: NginxLayout, isDefault: boolean): string[] {
  const d = isDefault ? ' default_server' : '';
  const addr = (a: string, port: number) => (a === '*' ? `${port}` : a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`);
  return l.listen.flatMap((a) => [
    `    listen ${addr(a, l.httpPort)}${d};`,
    // nginx 1.22 (Debian bookworm) takes http2 on the listen line; ALPN offers h2 and http/1.1.
    `    listen ${addr(a, l.httpsPort)} ssl http2${d};`,
  ]);
}

function locationBlock(loc: Location): string {
  if ('status' in loc.target) return `    location ${loc.match} {\n      return ${loc.target.status};\n    }`;
  return `    location ${loc.match} {\n      proxy_pass http://${loc.target.upstream};\n    }`;
}

/**
 * An Ingress server, with the Gateway routes for the same host and the ingress HTTP port: they
 * answer what none of the Ingress paths does (the place of the 404 default backend); an Ingress
 * with a `/` path or a defaultBackend on the host leaves them nothing.
 */
function serverBlock(s: VirtualServer, l: NginxLayout, gw?: GatewayServer): string {
  const lines = [`  server {`, `    server_name ${serverName(s.host)};`, ...listenLines(l, s.host === '')];
  if (s.cert) {
    const p = l.certPath(s.cert);
    lines.push(`    ssl_certificate ${p.cert};`, `    ssl_certificate_key ${p.key};`);
  }
  const routed = gw && s.locations.some((loc) => loc.match === '/' && loc.from === '') ? gw : undefined;
  for (const loc of s.locations) {
    if (routed && loc.match === '/') lines.push(dispatchLocation(routed.rules), ...actionLocations(routed.rules));
    else lines.push(locationBlock(loc));
  }
  lines.push('  }');
  return lines.join('\n');
}

/** A server of Gateway routes only; `*.a.com` is nginx's own wildcard (one or more labels, as the Gateway API means it). */
function gatewayServerBlock(s: GatewayServer, listen: string[]): string {
  return ['  server {', `    server_name ${s.host || '_'};`, ...listen, dispatchLocation(s.rules), ...actionLocations(s.rules), '  }'].join('\n');
}

/** Listeners on ports of their own: plain HTTP there, with a catch-all answering 404 for other hosts. */
function gatewayPortServers(servers: GatewayServer[], l: NginxLayout): string[] {
  const byPort = new Map<number, GatewayServer[]>();
  for (const s of servers) byPort.set(s.port, [...(byPort.get(s.port) ?? []), s]);
  const out: string[] = [];
  for (const [port, list] of byPort) {
    const listen = (isDefault: boolean) => l.listen.map((a) => `    listen ${a === '*' ? `${port}` : a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`}${isDefault ? ' default_server' : ''};`);
    if (!list.some((s) => s.host === '')) out.push(['  server {', '    server_name _;', ...listen(true), '    location / {\n      return 404;\n    }', '  }'].join('\n'));
    for (const s of list) out.push(gatewayServerBlock(s, listen(s.host === '')));
  }
  return out;
}

export function renderNginxConfig(m: RoutingModel, l: NginxLayout, gw: { servers: GatewayServer[]; upstreams: Upstream[] } = { servers: [], upstreams: [] }): string {
  const def = l.certPath('');
  const t = (name: string) => `${l.prefix}/tmp/${name}`;
  const out = [
    '# Written by the k8ts ingress controller; every change of the cluster rewrites it.',
    ...(l.user ? [`user ${l.user};`] : []),
    `worker_processes ${l.workers};`,
    `pid ${l.prefix}/nginx.pid;`,
    `error_log ${l.prefix}/error.log warn;`,
    // Old workers finish their connections after a reload, but not forever (WebSockets).
    'worker_shutdown_timeout 240s;',
    'events {\n  worker_connections 16384;\n  multi_accept on;\n}',
    'http {',
    '  access_log off;',
    '  server_tokens off;',
    '  sendfile on;',
    '  tcp_nodelay on;',
    '  keepalive_timeout 75s;',
    '  keepalive_requests 10000;',
    '  client_max_body_size 1m;',
    // Bodies and responses stay in memory: the workers (an unprivileged user) may not reach the data dir.
    '  client_body_buffer_size 1m;',
    '  proxy_max_temp_file_size 0;',
    '  server_names_hash_bucket_size 128;',
    '  types_hash_max_size 2048;',
    `  client_body_temp_path ${t('body')};`,
    `  proxy_temp_path ${t('proxy')};`,
    `  fastcgi_temp_path ${t('fastcgi')};`,
    `  uwsgi_temp_path ${t('uwsgi')};`,
    `  scgi_temp_path ${t('scgi')};`,
    "  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' '';\n  }",
    '  proxy_http_version 1.1;',
    ...PROXY_HEADERS.map(([name, value]) => `  proxy_set_header ${name} ${value};`),
    '  proxy_connect_timeout 5s;',
    '  proxy_read_timeout 60s;',
    '  proxy_send_timeout 60s;',
    // Another endpoint gets the request when one refuses it (idempotent methods only, as nginx does).
    '  proxy_next_upstream error timeout;',
    '  ssl_protocols TLSv1.2 TLSv1.3;',
    '  ssl_session_cache shared:SSL:10m;',
    `  ssl_certificate ${def.cert};`,
    `  ssl_certificate_key ${def.key};`,
  ];
  const upstreams = new Map<string, Upstream>([...m.upstreams, ...gw.upstreams].map((u) => [u.name, u]));
  for (const u of [...upstreams.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // An upstream with no server is refused by nginx; its backends answer 503 before reaching it.
    if (!u.servers.length) continue;
    out.push(`  upstream ${u.name} {`, ...u.servers.map((s) => `    server ${s} max_fails=0;`), `    keepalive ${UPSTREAM_KEEPALIVE};`, '  }');
  }
  out.push(...gatewayHttpBlocks(gw.servers.flatMap((s) => s.rules.map((r) => r.action))));
  const onIngressPort = new Map(gw.servers.filter((s) => s.port === INGRESS_HTTP_LISTENER_PORT).map((s) => [s.host, s]));
  for (const s of m.servers) {
    out.push(serverBlock(s, l, onIngressPort.get(s.host)));
    onIngressPort.delete(s.host);
  }
  for (const s of onIngressPort.values()) out.push(gatewayServerBlock(s, listenLines(l, false)));
  out.push(...gatewayPortServers(gw.servers.filter((s) => s.port !== INGRESS_HTTP_LISTENER_PORT), l));
  out.push('}', '');
  return out.join('\n');
}
