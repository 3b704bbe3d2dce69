// Cell formatting shared by several printers: labels, selectors, container lists, "+ N more" lists.
import type { LabelSelector } from '../../api/meta/types.js';

/** "a=1,b=2" with keys sorted; "<none>" when there are no labels. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/**
 * A LabelSelector in the selector syntax the API accepts ("app=web,tier in (a,b),!legacy"),
 * requirements ordered by key. Empty (or absent) selectors give "".
 */
export function selectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, text: `${key}=${value}` });
  for (const expr of sel.matchExpressions ?? []) {
    const values = [...new Set(expr.values ?? [])].sort().join(',');
    switch (expr.operator) {
      case 'In': reqs.push({ key: expr.key, text: `${expr.key} in (${values})` }); break;
      case 'NotIn': reqs.push({ key: expr.key, text: `${expr.key} notin (${values})` }); break;
      case 'Exists': reqs.push({ key: expr.key, text: expr.key }); break;
      case 'DoesNotExist': reqs.push({ key: expr.key, text: `!${expr.key}` }); break;
      default: reqs.push({ key: expr.key, text: `${expr.key} ${String(expr.operator)} (${values})` });
    }
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return reqs.map((r) => r.text).join(',');
}

/** selectorString, with "<none>" for a selector that selects by nothing. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  return selectorString(sel) || '<none>';
}

export interface ContainerLike { name?: string; image?: string }

/** Names and images of containers, each comma-joined, as the wide Containers/Images columns show them. */
export function containerCells(containers: readonly ContainerLike[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

/** The first `max` entries comma-joined, then " + N more..." for the rest; "<unset>" when empty. */
export function listWithMore(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** An IntOrString value as text ("50%", "1"). */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
}

/** A resource quantity as text; quantities arrive already serialized, so this only guards the type. */
export function quantity(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return '0';
}

/** "True"/"False", or "<unset>" for a missing optional boolean. */
export function boolPtr(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}

/** An IP and port as a host:port pair, bracketing IPv6 addresses. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Sorted, de-duplicated load-balancer ingress points (IP, else hostname). */
export function loadBalancerAddresses(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string {
  const seen = new Set<string>();
  for (const i of ingress ?? []) {
    if (i.ip) seen.add(i.ip);
    else if (i.hostname) seen.add(i.hostname);
  }
  return [...seen].sort().join(',');
}

/** Abbreviated access modes ("RWO,RWX") in upstream's fixed order. */
export function accessModes(modes: readonly string[] | undefined): string {
  const have = new Set(modes ?? []);
  const out: string[] = [];
  if (have.has('ReadWriteOnce')) out.push('RWO');
  if (have.has('ReadOnlyMany')) out.push('ROX');
  if (have.has('ReadWriteMany')) out.push('RWX');
  if (have.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** Number of keys of a map-valued field (data, binaryData). */
export function countKeys(v: unknown): number {
  return v && typeof v === 'object' ? Object.keys(v).length : 0;
}

export function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}
