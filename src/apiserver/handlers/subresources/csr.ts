// certificatesigningrequests/approval and /status, as upstream's CSR REST storage: /approval
// moves only status.conditions (Approved, Denied), /status only the rest of status (the
// certificate, Failed); neither moves spec. Each runs its admission plugin itself
// (CertificateApproval, CertificateSigning), with the stored object's signer, and fills the
// conditions' timestamps the client left empty, as upstream's strategies do.
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from '../../../api/certificates/v1/types.js';
import { validateCertificateSigningRequestApprovalUpdate } from '../../../api/certificates/v1/validation.js';
import type { KubeObject } from '../../../api/meta/types.js';
import type { SubresourceCheck } from '../../admission/certificates.js';
import { userOf } from '../../authz/request-user.js';
import type { ResourceCall, Subresource } from '../../registry/entry.js';
import { nowTimestamp } from '../../rest/object-meta.js';
import { answer, decodePatch, decodeWriteBody, methodNotAllowed, patchObject } from '../codec.js';
import type { ApiContext } from '../context.js';

/** Upstream's populateConditionTimestamps: now for new or changed conditions, the old times kept otherwise. */
function withTimestamps(conditions: CertificateSigningRequestCondition[] | undefined, old: CertificateSigningRequest, now: string): CertificateSigningRequestCondition[] | undefined {
  if (!conditions) return conditions;
  return conditions.map((c) => {
    const out = { ...c };
    out.lastUpdateTime ||= now;
    if (!out.lastTransitionTime) {
      const before = (old.status?.conditions ?? []).find((o) => o.type === c.type);
      out.lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : now;
    }
    return out;
  });
}

type Shape = (desired: CertificateSigningRequest, current: CertificateSigningRequest, now: string) => CertificateSigningRequest;

/** /approval: the client's conditions on the stored object; metadata as for any update. */
const approvalShape: Shape = (desired, current, now) => ({
  ...desired,
  spec: current.spec,
  status: { ...(current.status ?? {}), conditions: withTimestamps(desired.status?.conditions, current, now) },
});

/** /status: the client's status on the stored object (the generic status path keeps everything else). */
const statusShape: Shape = (desired, current, now) => ({ ...desired, status: { ...(desired.status ?? {}), conditions: withTimestamps(desired.status?.conditions, current, now) } });

function csrSubresource(ctx: ApiContext, own: Subresource['kind'], name: 'approval' | 'status', shape: Shape, check: SubresourceCheck | undefined): Subresource {
  return {
    name,
    kind: own,
    verbs: ['get', 'patch', 'update'],
    async serve(call: ResourceCall) {
      const { entry, name: objName, req } = call;
      const clock = ctx.clock;
      const requester = userOf(req);
      let desiredOf: (cur: KubeObject) => Promise<KubeObject> | KubeObject;
      if (call.verb === 'get') return answer(call, 200, await ctx.resources.get(entry, undefined, objName), clock());
      if (call.verb === 'update') {
        const body = await decodeWriteBody(entry, req, undefined);
        desiredOf = () => body;
      } else if (call.verb === 'patch') {
        const { type, patch } = await decodePatch(req);
        desiredOf = (cur) => patchObject(entry, cur, type, patch);
      } else throw methodNotAllowed();
      const mutate = async (cur: KubeObject) => {
        const current = cur as CertificateSigningRequest;
        const next = shape((await desiredOf(structuredClone(cur))) as CertificateSigningRequest, current, nowTimestamp(clock));
        check?.(next, current, requester);
        return next;
      };
      const opts = { dryRun: call.dryRun, fieldManager: call.fieldManager, subresource: name, requester };
      const { object } =
        name === 'status'
          ? await ctx.resources.update(entry, undefined, objName, mutate, opts)
          : await ctx.resources.update(entry, undefined, objName, mutate, { ...opts, bypassStrategy: true, validate: (n, o) => validateCertificateSigningRequestApprovalUpdate(n as CertificateSigningRequest, o as CertificateSigningRequest) });
      return answer(call, 200, object, clock());
    },
  };
}

export function csrApprovalSubresource(ctx: ApiContext, own: Subresource['kind'], check: SubresourceCheck | undefined): Subresource {
  return csrSubresource(ctx, own, 'approval', approvalShape, check);
}

export function csrStatusSubresource(ctx: ApiContext, own: Subresource['kind'], check: SubresourceCheck | undefined): Subresource {
  return csrSubresource(ctx, own, 'status', statusShape, check);
}
