// Downward API values: pod fields (fieldRef) and container resources (resourceFieldRef), as
// upstream's fieldpath and resource helpers produce them. The kubelet-only fields (node name,
// pod and host IPs) come from the caller because the pod object may not carry them yet.
import { parseQuantity, type Quantity } from '../../api/quantity/index.js';
import { findContainerSpec } from '../../api/core/v1/pod/containers.js';
import type { Container, Pod, QuantityValue, ResourceFieldSelector } from '../../api/core/v1/pod/types.js';

export interface RuntimeInfo {
  /** The node the kubelet runs (for spec.nodeName before the pod object shows it). */
  nodeName?: string;
  podIP?: string;
  podIPs?: string[];
  hostIP?: string;
  hostIPs?: string[];
  /** The node's allocatable resources: what an unset limit means to the downward API. */
  nodeAllocatable?: Record<string, QuantityValue>;
}

function isPrintable(ch: string): boolean {
  return /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch);
}

/** Go's strconv.Quote (`%q`): what upstream's FormatMap uses for label and annotation values. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp === 7) out += '\\a';
    else if (cp === 8) out += '\\b';
    else if (cp === 12) out += '\\f';
    else if (cp === 10) out += '\\n';
    else if (cp === 13) out += '\\r';
    else if (cp === 9) out += '\\t';
    else if (cp === 11) out += '\\v';
    else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
    // A lone surrogate cannot come from valid UTF-8; Go would have decoded it as U+FFFD.
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\ufffd';
    else if (isPrintable(ch)) out += ch;
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Upstream's FormatMap: `key="value"` lines in key order, no trailing newline. */
export function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k] ?? '')}`)
    .join('\n');
}

/** `metadata.labels['k']` → [`metadata.labels`, `k`]. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return [s.slice(0, i), s.slice(i + 2)];
}

/** The value of a fieldRef; throws upstream's messages for unsupported paths. */
export function fieldRefValue(pod: Pod, fieldPath: string, info: RuntimeInfo = {}): string {
  const meta = pod.metadata ?? {};
  const sub = splitSubscript(fieldPath);
  if (sub) {
    const [path, key] = sub;
    if (path === 'metadata.annotations') return meta.annotations?.[key] ?? '';
    if (path === 'metadata.labels') return meta.labels?.[key] ?? '';
    throw new Error(`fieldPath "${fieldPath}" does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName || info.nodeName || '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return info.hostIP ?? pod.status?.hostIP ?? '';
    case 'status.hostIPs':
      return (info.hostIPs ?? (info.hostIP ? [info.hostIP] : (pod.status?.hostIPs ?? []).map((h) => h.ip ?? ''))).join(',');
    case 'status.podIP':
      return info.podIP ?? pod.status?.podIP ?? '';
    case 'status.podIPs':
      return (info.podIPs ?? (info.podIP ? [info.podIP] : (pod.status?.podIPs ?? []).map((p) => p.ip ?? ''))).join(',');
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

function findContainer(pod: Pod, name: string | undefined): Container {
  const c = findContainerSpec(pod, name);
  if (!c) throw new Error(`container ${name ?? ''} not found`);
  return c;
}

const LIMITS_FROM_ALLOCATABLE = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * The value of a resourceFieldRef for `container` (or the one the selector names): cpu in
 * divisor units rounded up, memory and storage in divisor units rounded up; an unset limit is the
 * node's allocatable amount, as upstream's MergeContainerResourceLimits makes it.
 */
export function resourceFieldValue(pod: Pod, sel: ResourceFieldSelector, container?: Container, info: RuntimeInfo = {}): string {
  const c = container ?? findContainer(pod, sel.containerName);
  const [kind, name] = splitResource(sel.resource);
  let amount: Quantity | undefined;
  const list = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  const raw = list?.[name] ?? (kind === 'limits' && LIMITS_FROM_ALLOCATABLE.includes(name) ? info.nodeAllocatable?.[name] : undefined);
  if (raw !== undefined) amount = parseQuantity(raw);
  const divisor = sel.divisor === undefined || parseQuantity(sel.divisor).isZero() ? parseQuantity('1') : parseQuantity(sel.divisor);
  if (name === 'cpu') return String(Math.ceil((amount?.milliValue() ?? 0) / divisor.milliValue()));
  return String(Math.ceil((amount?.value() ?? 0) / divisor.value()));
}

function splitResource(resource: string): ['limits' | 'requests', string] {
  const m = /^(limits|requests)\.(.+)$/.exec(resource);
  const name = m?.[2] ?? '';
  if (!m || !(name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-'))) {
    throw new Error(`unsupported container resource : ${resource}`);
  }
  return [m[1] as 'limits' | 'requests', name];
}
