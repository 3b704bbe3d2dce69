// The scale subresource: the autoscaling/v1 Scale view of a replicated object, read from and
// written to the paths its kind's ScaleSpec names.
import type { KubeObject } from '../../../api/meta/types.js';
import { labelSelectorToString } from '../../../api/labels/index.js';
import { errors } from '../../errors.js';
import { sendJson } from '../../http/respond.js';
import type { ResourceCall, ResourceEntry, Subresource } from '../../registry/entry.js';
import { decodePatch, decodeWriteBody, methodNotAllowed, patchObject } from '../codec.js';
import type { ApiContext } from '../context.js';

export const SCALE_KIND = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

export function scaleSubresource(ctx: ApiContext): Subresource {
  return { name: 'scale', kind: SCALE_KIND, verbs: ['get', 'patch', 'update'], serve: (call) => serveScale(ctx, call) };
}

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

async function serveScale(ctx: ApiContext, { entry, verb, namespace, name, req, res, dryRun, fieldManager }: ResourceCall): Promise<void> {
  const scale = entry.def.scale!;
  if (verb === 'get') return sendJson(res, 200, scaleOf(entry, await ctx.resources.get(entry, namespace, name)));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const scaleEntry = { ...entry, kind: 'Scale', apiVersion: 'autoscaling/v1', def: { ...entry.def, schema: 'io.k8s.api.autoscaling.v1.Scale' } } as ResourceEntry;
  const body = verb === 'update' ? await decodeWriteBody(scaleEntry, req, namespace, 'Scale', 'autoscaling/v1') : undefined;
  const patch = verb === 'patch' ? await decodePatch(req) : undefined;
  const { object } = await ctx.resources.update(
    entry,
    namespace,
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
    { dryRun, fieldManager, subresource: 'scale' },
  );
  return sendJson(res, 200, scaleOf(entry, object));
}
