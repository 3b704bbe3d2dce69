// Subresources: status (writes that touch only .status), scale (the autoscaling/v1 Scale view
// of a replicated object), binding (assigning a pod to a node) and a namespace's finalize.
import type { KubeObject } from '../../api/meta/types.js';
import { labelSelectorToString } from '../../api/labels/index.js';
import { errors } from '../errors.js';
import { decodePatch, decodeWriteBody, patchObject, requireVerb, sendObject, type ApiContext } from './resources.js';
import type { AnyRequest } from '../http/body.js';
import { negotiate } from '../http/negotiate.js';
import type { ResourceRequest } from '../http/request-info.js';
import { sendJson, type AnyResponse } from '../http/respond.js';
import type { ResourceEntry } from '../registry/entry.js';
import { evictPod } from './eviction.js';
import { KubeletProxy } from '../proxy/kubelet-proxy.js';
import { nowTimestamp } from '../rest/object-meta.js';

interface WriteContext {
  namespace: string | undefined;
  dryRun: boolean;
  fieldManager: string;
}

export async function handleSubresource(ctx: ApiContext, entry: ResourceEntry, info: ResourceRequest, query: URLSearchParams, req: AnyRequest, res: AnyResponse, w: WriteContext): Promise<void> {
  const neg = negotiate(req.headers['accept'] as string | undefined);
  const name = info.name!;
  const now = ctx.clock();
  const sub = info.subresource!;
  if (sub === 'status' && entry.subresources.includes('status')) {
    const opts = { dryRun: w.dryRun, fieldManager: w.fieldManager, subresource: 'status' };
    switch (info.verb) {
      case 'get':
        return sendObject(entry, res, 200, await ctx.resources.get(entry, w.namespace, name), neg.representation, neg.yaml, query, now);
      case 'update': {
        const obj = await decodeWriteBody(entry, req, w.namespace);
        const { object } = await ctx.resources.update(entry, w.namespace, name, () => obj, opts);
        return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
      }
      case 'patch': {
        const { type, patch } = await decodePatch(req);
        const { object } = await ctx.resources.update(entry, w.namespace, name, (cur) => patchObject(entry, cur, type, patch), opts);
        return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
      }
    }
    throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  }
  if (sub === 'scale' && entry.def.scale) return handleScale(ctx, entry, info, req, res, w);
  if (sub === 'binding' && entry.group === '' && entry.resource === 'pods' && info.verb === 'create') {
    const binding = await readBinding(ctx, req, w.namespace);
    await bindPod(ctx, entry, w.namespace, name, binding, w);
    return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }
  if (sub === 'eviction' && entry.group === '' && entry.resource === 'pods' && info.verb === 'create') {
    return sendJson(res, 201, await evictPod(ctx, entry, name, req, w));
  }
  if (sub === 'finalize' && entry.group === '' && entry.resource === 'namespaces' && info.verb === 'update') {
    const obj = await decodeWriteBody(entry, req, undefined);
    const { object } = await ctx.resources.update(
      entry,
      undefined,
      name,
      (cur) => {
        const spec = { ...((cur['spec'] as Record<string, unknown>) ?? {}) };
        const finalizers = (obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers;
        if (finalizers?.length) spec['finalizers'] = finalizers;
        else delete spec['finalizers'];
        return { ...cur, spec };
      },
      { dryRun: w.dryRun, fieldManager: w.fieldManager, subresource: 'finalize', bypassStrategy: true },
    );
    return sendObject(entry, res, 200, object, neg.representation, neg.yaml, query, now);
  }
  if (entry.group === '' && entry.resource === 'pods' && KubeletProxy.isPodSubresource(sub) && ctx.kubelet) {
    return ctx.kubelet.podSubresource(w.namespace ?? '', name, sub, req.method ?? 'GET', query, req, res);
  }
  if (entry.group === '' && entry.resource === 'nodes' && sub === 'proxy' && ctx.kubelet) return ctx.kubelet.nodeProxy(name, '/', query, req, res);
  throw errors.notFoundPath();
}

// ---- scale ---------------------------------------------------------------------------

function getPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function selectorText(obj: KubeObject, entry: ResourceEntry): string {
  const scale = entry.def.scale!;
  const at = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  if (typeof at === 'string') return at;
  const sel = getPath(obj, 'spec.selector');
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as Record<string, unknown>;
  // ReplicationController selectors are plain maps; apps selectors are LabelSelectors.
  if (s['matchLabels'] !== undefined || s['matchExpressions'] !== undefined) return labelSelectorToString(s as never);
  return Object.keys(s)
    .sort()
    .map((k) => `${k}=${String(s[k])}`)
    .join(',');
}

export function scaleOf(entry: ResourceEntry, obj: KubeObject): KubeObject {
  const scale = entry.def.scale!;
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, scale.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(obj, scale.statusReplicasPath) ?? 0), selector: selectorText(obj, entry) },
  };
}

async function handleScale(ctx: ApiContext, entry: ResourceEntry, info: ResourceRequest, req: AnyRequest, res: AnyResponse, w: WriteContext): Promise<void> {
  const name = info.name!;
  const scale = entry.def.scale!;
  if (info.verb === 'get') return sendJson(res, 200, scaleOf(entry, await ctx.resources.get(entry, w.namespace, name)));
  if (info.verb !== 'update' && info.verb !== 'patch') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const scaleEntry = { ...entry, kind: 'Scale', apiVersion: 'autoscaling/v1', def: { ...entry.def, schema: 'io.k8s.api.autoscaling.v1.Scale' } } as ResourceEntry;
  const body = info.verb === 'update' ? await decodeWriteBody(scaleEntry, req, w.namespace, 'Scale', 'autoscaling/v1') : undefined;
  const patch = info.verb === 'patch' ? await decodePatch(req) : undefined;
  const { object } = await ctx.resources.update(
    entry,
    w.namespace,
    name,
    (cur) => {
      const currentScale = scaleOf(entry, cur);
      const wanted = body ?? patchObject(scaleEntry, currentScale, patch!.type, patch!.patch);
      const replicas = (wanted['spec'] as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid({ group: 'autoscaling', resource: 'scale', kind: 'Scale' }, name, [
          { type: 'FieldValueInvalid', field: 'spec.replicas', badValue: replicas, detail: 'must be greater than or equal to 0' },
        ]);
      }
      const rv = wanted.metadata?.resourceVersion;
      const next = structuredClone(cur);
      next.metadata.resourceVersion = rv || undefined;
      setPath(next as Record<string, unknown>, scale.specReplicasPath, replicas);
      return next;
    },
    { dryRun: w.dryRun, fieldManager: w.fieldManager, subresource: 'scale' },
  );
  return sendJson(res, 200, scaleOf(entry, object));
}

// ---- binding -------------------------------------------------------------------------

interface Binding {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  target?: { name?: string; kind?: string };
}

export async function readBinding(ctx: ApiContext, req: AnyRequest, namespace: string | undefined): Promise<Binding> {
  const bindings = ctx.registry.lookup('', 'v1', 'bindings');
  if (!bindings) throw errors.notFoundPath();
  return (await decodeWriteBody(bindings, req, namespace, 'Binding', 'v1')) as unknown as Binding;
}

export async function bindPod(ctx: ApiContext, pods: ResourceEntry, namespace: string | undefined, name: string, binding: Binding, w: WriteContext): Promise<void> {
  const node = binding.target?.name;
  if (!node) {
    throw errors.invalid({ group: '', resource: 'bindings', kind: 'Binding' }, name, [{ type: 'FieldValueRequired', field: 'target.name', detail: '' }]);
  }
  if (binding.metadata.name && binding.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${binding.metadata.name}) does not match the name on the URL (${name})`);
  }
  await ctx.resources.update(
    pods,
    namespace,
    name,
    (pod) => {
      const spec = (pod['spec'] ??= {}) as Record<string, unknown>;
      if (pod.metadata.deletionTimestamp) throw errors.conflict(pods, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (spec['nodeName']) throw errors.conflict(pods, name, `pod ${name} is already assigned to node "${String(spec['nodeName'])}"`);
      spec['nodeName'] = node;
      if (binding.metadata.annotations) pod.metadata.annotations = { ...pod.metadata.annotations, ...binding.metadata.annotations };
      const status = (pod['status'] ??= {}) as { conditions?: Record<string, unknown>[] };
      const conditions = (status.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp(ctx.clock) });
      status.conditions = conditions;
      return pod;
    },
    { dryRun: w.dryRun, fieldManager: w.fieldManager, subresource: 'binding', bypassStrategy: true },
  );
}
