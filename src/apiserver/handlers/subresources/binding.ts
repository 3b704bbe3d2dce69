// pods/binding: assigning a pod to a node (what the scheduler posts), as upstream's BindingREST:
// the node name is set once, with the PodScheduled condition, by the server's own write.
import { errors } from '../../errors.js';
import type { AnyRequest } from '../../http/body.js';
import { sendJson } from '../../http/respond.js';
import type { ResourceCall, ResourceEntry, Subresource } from '../../registry/entry.js';
import { nowTimestamp } from '../../rest/object-meta.js';
import { decodeWriteBody, methodNotAllowed } from '../codec.js';
import type { ApiContext } from '../context.js';

export function bindingSubresource(ctx: ApiContext): Subresource {
  return { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'], serve: (call) => serveBinding(ctx, call) };
}

async function serveBinding(ctx: ApiContext, call: ResourceCall): Promise<void> {
  if (call.verb !== 'create') throw methodNotAllowed();
  const binding = await readBinding(ctx, call.req, call.namespace);
  await bindPod(ctx, call.entry, call.namespace, call.name, binding, call);
  sendJson(call.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

interface Binding {
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  target?: { name?: string; kind?: string };
}

async function readBinding(ctx: ApiContext, req: AnyRequest, namespace: string | undefined): Promise<Binding> {
  const bindings = ctx.registry.lookup('', 'v1', 'bindings');
  if (!bindings) throw errors.notFoundPath();
  return (await decodeWriteBody(bindings, req, namespace, 'Binding', 'v1')) as unknown as Binding;
}

async function bindPod(ctx: ApiContext, pods: ResourceEntry, namespace: string | undefined, name: string, binding: Binding, w: { dryRun: boolean; fieldManager: string }): Promise<void> {
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
