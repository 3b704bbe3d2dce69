// namespaces/finalize: the namespace controller's way to empty spec.finalizers once the content
// is gone. Only spec.finalizers moves, validated with the finalize strategy, as upstream's
// finalizeNamespaceStrategy (main-resource writes may never move it).
import type { KubeObject } from '../../../api/meta/types.js';
import type { FieldError } from '../../../api/validation/field.js';
import type { ResourceCall, Subresource } from '../../registry/entry.js';
import { answer, decodeWriteBody, methodNotAllowed } from '../codec.js';
import type { ApiContext } from '../context.js';

export type FinalizeValidation = (next: KubeObject, old: KubeObject) => FieldError[];

export function finalizeSubresource(ctx: ApiContext, own: Subresource['kind'], validate: FinalizeValidation): Subresource {
  return { name: 'finalize', kind: own, verbs: ['update'], serve: (call) => serveFinalize(ctx, call, validate) };
}

async function serveFinalize(ctx: ApiContext, call: ResourceCall, validate: FinalizeValidation): Promise<void> {
  if (call.verb !== 'update') throw methodNotAllowed();
  const { entry, name } = call;
  const obj = await decodeWriteBody(entry, call.req, undefined);
  const finalizers = (obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers;
  const { object } = await ctx.resources.update(
    entry,
    undefined,
    name,
    (cur) => {
      const spec = { ...((cur['spec'] as Record<string, unknown>) ?? {}) };
      if (finalizers?.length) spec['finalizers'] = finalizers;
      else delete spec['finalizers'];
      return { ...cur, spec };
    },
    { dryRun: call.dryRun, fieldManager: call.fieldManager, subresource: 'finalize', bypassStrategy: true, validate },
  );
  answer(call, 200, object, ctx.clock());
}
