// The service environment variables (docker-links style) a container sees: upstream's
// getServiceEnvVarMap and envvars.FromServices.
import type { Service } from '../../api/core/v1/types.js';

/** Services named here in the `default` namespace are exposed to every pod, service links or not. */
const MASTER_SERVICES = new Set(['kubernetes']);

/** `redis-master` → `REDIS_MASTER`. */
export function envVarNameOf(name: string): string {
  return name.replaceAll('-', '_').toUpperCase();
}

function hasClusterIP(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The variables of one service, in upstream's order. */
export function serviceEnvVars(s: Service): Array<{ name: string; value: string }> {
  const ports = s.spec?.ports ?? [];
  const ip = s.spec?.clusterIP ?? '';
  if (!hasClusterIP(s) || ports.length === 0) return [];
  const prefix = envVarNameOf(s.metadata.name ?? '');
  const out = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) },
  ];
  for (const p of ports) {
    if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarNameOf(p.name)}`, value: String(p.port) });
  }
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toLowerCase();
    const url = `${proto}://${joinHostPort(ip, p.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      { name: portPrefix, value: url },
      { name: `${portPrefix}_PROTO`, value: proto },
      { name: `${portPrefix}_PORT`, value: String(p.port) },
      { name: `${portPrefix}_ADDR`, value: ip },
    );
  });
  return out;
}

/**
 * The service variables for a pod in `namespace`: its namespace's services with a cluster IP
 * when service links are enabled, and always the `kubernetes` service of `default` (a same-named
 * service of the pod's own namespace wins over it). Services are taken in name order.
 */
export function serviceEnvMap(services: Service[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata.name ?? '';
    if (s.metadata.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (s.metadata.namespace === namespace && enableServiceLinks) {
      chosen.set(name, s);
    }
  }
  const out = new Map<string, string>();
  for (const name of [...chosen.keys()].sort()) {
    for (const v of serviceEnvVars(chosen.get(name)!)) out.set(v.name, v.value);
  }
  return out;
}
