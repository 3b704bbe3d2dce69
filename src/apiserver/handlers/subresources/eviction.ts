// The pods/eviction subresource, as upstream's EvictionREST: a pod is deleted only if the one
// PodDisruptionBudget covering it allows a disruption, which is then spent (disruptionsAllowed
// decremented and the pod recorded in disruptedPods) by a compare-and-swap status write.
import type { KubeObject, LabelSelector, Status } from '../../../api/meta/types.js';
import { selectorFromLabelSelector } from '../../../api/labels/index.js';
import { ApiError, errors } from '../../errors.js';
import { decodeWriteBody, methodNotAllowed } from '../codec.js';
import type { ApiContext } from '../context.js';
import type { AnyRequest } from '../../http/body.js';
import { sendJson } from '../../http/respond.js';
import type { ResourceCall, ResourceEntry, Subresource } from '../../registry/entry.js';
import type { DeleteOptions } from '../../rest/resource-store.js';
import { nowTimestamp } from '../../rest/object-meta.js';

const EVICTION_SCHEMA = 'io.k8s.api.policy.v1.Eviction';
const BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";
/** Upstream's MaxDisruptedPodSize: a budget recording more evictions than this is refused. */
const MAX_DISRUPTED_PODS = 2000;

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }[];
}

interface PodShape extends KubeObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

function tooManyRequests(cause: string): ApiError {
  const s: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: BLOCKED, reason: 'TooManyRequests', code: 429, details: { causes: [{ reason: 'DisruptionBudget', message: cause }], retryAfterSeconds: 0 } as Status['details'] };
  return new ApiError(s);
}

/** Terminal, pending and terminating pods disrupt nothing more by going. */
function canIgnoreBudget(pod: PodShape): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

const isReady = (pod: PodShape): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export function evictionSubresource(ctx: ApiContext): Subresource {
  return { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'], serve: (call) => serveEviction(ctx, call) };
}

async function serveEviction(ctx: ApiContext, call: ResourceCall): Promise<void> {
  if (call.verb !== 'create') throw methodNotAllowed();
  sendJson(call.res, 201, await evictPod(ctx, call.entry, call.name, call.req, call));
}

interface EvictionWrite {
  namespace: string | undefined;
  dryRun: boolean;
  fieldManager: string;
}

async function evictPod(ctx: ApiContext, pods: ResourceEntry, name: string, req: AnyRequest, w: EvictionWrite): Promise<Status> {
  // No registry entry serves Eviction alone: decode it against its own schema through the pods entry.
  const evictionEntry = { ...pods, def: { ...pods.def, schema: EVICTION_SCHEMA } } as ResourceEntry;
  const eviction = await decodeWriteBody(evictionEntry, req, w.namespace, 'Eviction', 'policy/v1');
  if (eviction.metadata.name !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const options: DeleteOptions = { ...((eviction['deleteOptions'] as DeleteOptions | undefined) ?? {}) };
  const dryRun = w.dryRun || (Array.isArray((options as { dryRun?: unknown }).dryRun) && ((options as { dryRun?: unknown[] }).dryRun ?? []).length > 0);
  options.dryRun = dryRun;

  const pod = (await ctx.resources.get(pods, w.namespace, name)) as PodShape;
  if (!canIgnoreBudget(pod)) {
    const budgetAllows = await spendDisruption(ctx, pod, dryRun, w.fieldManager);
    // The pod was judged on its readiness: it must not have changed since.
    if (budgetAllows === 'unhealthy') options.preconditions = { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion };
  }
  await ctx.resources.delete(pods, w.namespace, name, options);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/** Throws 429 when the budget refuses; says how the eviction was allowed otherwise. */
async function spendDisruption(ctx: ApiContext, pod: PodShape, dryRun: boolean, fieldManager: string): Promise<'none' | 'unhealthy' | 'spent'> {
  const pdbEntry = ctx.registry.lookup('policy', 'v1', 'poddisruptionbudgets');
  if (!pdbEntry) return 'none';
  const page = await ctx.resources.list(pdbEntry, { namespace: pod.metadata.namespace });
  const labels = pod.metadata.labels ?? {};
  const budgets = page.items
    .map((c) => c.obj)
    .filter((pdb) => {
      const sel = (pdb['spec'] as { selector?: LabelSelector } | undefined)?.selector;
      // A nil or empty selector must match nothing here, not everything.
      if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) return false;
      return selectorFromLabelSelector(sel).matches(labels);
    });
  if (!budgets.length) return 'none';
  if (budgets.length > 1) {
    throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
  }
  const pdb = budgets[0]!;
  const status = (pdb['status'] as PdbStatus | undefined) ?? {};
  const policy = (pdb['spec'] as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
  if (!isReady(pod)) {
    // An unhealthy pod does not count towards the budget: it may go when the budget is met anyway.
    if (policy === 'AlwaysAllow') return 'unhealthy';
    if ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0) return 'unhealthy';
  }
  await ctx.resources.update(
    pdbEntry,
    pdb.metadata.namespace,
    pdb.metadata.name!,
    (cur) => {
      const st: PdbStatus = { ...((cur['status'] as PdbStatus | undefined) ?? {}) };
      const name = cur.metadata.name!;
      if ((st.observedGeneration ?? 0) < (cur.metadata.generation ?? 0)) throw tooManyRequests(`The disruption budget ${name} is still being processed by the server.`);
      const allowed = st.disruptionsAllowed ?? 0;
      if (allowed < 0) throw errors.forbidden(pdbEntry, name, 'pdb disruptions allowed is negative');
      if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw errors.forbidden(pdbEntry, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
      if (allowed === 0) throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
      st.disruptionsAllowed = allowed - 1;
      if (st.disruptionsAllowed === 0) {
        const now = nowTimestamp(ctx.clock);
        const prior = st.conditions?.find((c) => c.type === 'DisruptionAllowed');
        const next = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: st.observedGeneration, lastTransitionTime: prior?.status === 'False' ? (prior.lastTransitionTime ?? now) : now };
        st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), next];
      }
      st.disruptedPods = { ...st.disruptedPods, [pod.metadata.name!]: nowTimestamp(ctx.clock) };
      return { ...cur, status: st };
    },
    { dryRun, fieldManager, subresource: 'status' },
  );
  return 'spent';
}
