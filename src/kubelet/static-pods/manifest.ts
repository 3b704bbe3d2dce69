// One static pod manifest file turned into the pod the kubelet wants, with upstream's identity
// (pkg/kubelet/config/common.go): name `<name>-<node>`, namespace default, uid the md5 of the
// defaulted pod, the node and the file path, annotations config.hash/source/seen, bound to the
// node, tolerating every NoExecute taint. Then the API server's defaulting and validation, so a
// manifest the API would refuse is refused here, with the reason.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { defaultPod } from '../../api/core/v1/pod/defaults.js';
import type { Pod, Toleration } from '../../api/core/v1/pod/types.js';
import { validatePod } from '../../api/core/v1/pod/validation.js';

export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const FILE_SOURCE = 'file';

/** Upstream's built-in priority classes, which the Priority admission plugin resolves. */
const SYSTEM_PRIORITIES: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

/** Manifests larger than this are refused (upstream reads files whole; this bounds the read). */
export const MAX_MANIFEST_BYTES = 10 * 1024 * 1024;

export type ManifestResult = { pod: Pod } | { error: string };

/** Object keys in sorted order, so equal pods hash alike whatever the key order in the file. */
function canonicalJSON(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJSON).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJSON(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The static pod's uid: md5 of the pod, then `host:<node>` and `file:<path>`, in hex (as upstream). */
export function staticPodHash(pod: Pod, nodeName: string, path: string): string {
  return createHash('md5').update(canonicalJSON(pod)).update(`host:${nodeName}`).update(`file:${path}`).digest('hex');
}

function decode(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not a YAML or JSON document');
  const real = docs.filter((d) => d.contents !== null);
  if (real.length !== 1) throw new Error(real.length === 0 ? 'the file holds no object' : 'the file holds more than one object; a static pod manifest holds exactly one Pod');
  const doc = real[0]!;
  if (doc.errors.length) throw new Error(doc.errors[0]!.message);
  return doc.toJS({ maxAliasCount: 100 });
}

/** Upstream's AddOrUpdateTolerationInPod: no duplicate of an identical toleration. */
function addToleration(pod: Pod, t: Toleration): void {
  const list = (pod.spec!.tolerations ??= []);
  const same = (a: Toleration) => (a.key ?? '') === (t.key ?? '') && (a.operator ?? 'Equal') === t.operator && (a.value ?? '') === (t.value ?? '') && (a.effect ?? '') === (t.effect ?? '') && a.tolerationSeconds === t.tolerationSeconds;
  if (!list.some(same)) list.push(t);
}

/** Decodes, identifies, defaults and validates one manifest. Never throws. */
export function staticPodFromManifest(text: string, o: { path: string; nodeName: string; now?: () => Date }): ManifestResult {
  let obj: unknown;
  try {
    obj = decode(text);
  } catch (err) {
    return { error: `invalid manifest: ${(err as Error).message}` };
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { error: 'invalid manifest: not an object' };
  const o2 = obj as Record<string, unknown>;
  if (o2['kind'] !== 'Pod' || (o2['apiVersion'] !== 'v1' && o2['apiVersion'] !== undefined)) {
    return { error: `invalid manifest: expected kind Pod of apiVersion v1, got ${JSON.stringify(o2['kind'])} of ${JSON.stringify(o2['apiVersion'])}` };
  }
  const pod = { ...o2, apiVersion: 'v1', kind: 'Pod' } as unknown as Pod;
  if (!pod.metadata || typeof pod.metadata !== 'object') pod.metadata = {};
  if (!pod.spec || typeof pod.spec !== 'object') return { error: 'invalid manifest: spec is required' };
  if (typeof pod.metadata.name !== 'string' || !pod.metadata.name) return { error: 'invalid manifest: metadata.name is required' };
  delete pod.status;
  try {
    defaultPod(pod);
  } catch (err) {
    return { error: `invalid manifest: ${(err as Error).message}` };
  }
  const meta = pod.metadata;
  const uid = meta.uid || staticPodHash(pod, o.nodeName, o.path);
  meta.uid = uid;
  meta.name = `${meta.name}-${o.nodeName.toLowerCase()}`;
  if (!meta.namespace) meta.namespace = 'default';
  const spec = pod.spec;
  spec.nodeName = o.nodeName;
  meta.annotations = { ...meta.annotations, [CONFIG_HASH_ANNOTATION]: uid, [CONFIG_SOURCE_ANNOTATION]: FILE_SOURCE, [CONFIG_SEEN_ANNOTATION]: (o.now?.() ?? new Date()).toISOString() };
  addToleration(pod, { operator: 'Exists', effect: 'NoExecute' });
  // What the Priority admission plugin would set on the mirror pod.
  if (spec.priority === undefined) {
    const cls = spec.priorityClassName;
    const value = cls ? SYSTEM_PRIORITIES[cls] : 0;
    if (value !== undefined) {
      spec.priority = value;
      spec.preemptionPolicy ??= 'PreemptLowerPriority';
    }
  }
  const errs = validatePod(pod);
  if (errs.length) return { error: `invalid pod: ${errs.map((e) => `${e.field}: ${e.detail ?? e.type}`).join('; ')}` };
  return { pod };
}
