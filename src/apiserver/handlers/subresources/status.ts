// The status subresource of every kind that has one: reads and writes that touch only .status
// (the generic store keeps the rest as stored and validates with the kind's status strategy).
import type { ResourceCall, Subresource } from '../../registry/entry.js';
import { answer, decodePatch, decodeWriteBody, methodNotAllowed, patchObject } from '../codec.js';
import type { ApiContext } from '../context.js';

export function statusSubresource(ctx: ApiContext, own: Subresource['kind']): Subresource {
  return { name: 'status', kind: own, verbs: ['get', 'patch', 'update'], serve: (call) => serveStatus(ctx, call) };
}

async function serveStatus(ctx: ApiContext, call: ResourceCall): Promise<void> {
  const { entry, namespace, name, req } = call;
  const now = ctx.clock();
  const opts = { dryRun: call.dryRun, fieldManager: call.fieldManager, subresource: 'status' };
  switch (call.verb) {
    case 'get':
      return answer(call, 200, await ctx.resources.get(entry, namespace, name), now);
    case 'update': {
      const obj = await decodeWriteBody(entry, req, namespace);
      const { object } = await ctx.resources.update(entry, namespace, name, () => obj, opts);
      return answer(call, 200, object, now);
    }
    case 'patch': {
      const { type, patch } = await decodePatch(req, entry);
      const { object } = await ctx.resources.update(entry, namespace, name, (cur) => patchObject(entry, cur, type, patch), opts);
      return answer(call, 200, object, now);
    }
  }
  throw methodNotAllowed();
}
