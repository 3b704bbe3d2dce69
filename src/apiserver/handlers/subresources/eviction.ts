// The pods/eviction subresource, as upstream's EvictionREST (1.32): a pod is deleted only if the
// one PodDisruptionBudget covering it allows a disruption, which is then spent (disruptionsAllowed
// decremented and the pod recorded in disruptedPods) by a compare-and-swap status write. Pods that
// disrupt nothing more by going (terminal, pending, already terminating) skip the budget. Before
// the delete the pod gets the DisruptionTarget condition (PodDisruptionConditions, GA in 1.31).
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
/** Upstream's EvictionsRetry: attempts on a conflicting pod or budget write. */
const RETRIES = 5;

interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }[];
}

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

interface PodShape extends KubeObject {
  status?: { phase?: string; conditions?: PodCondition[] };
}

/** The request's DeleteOptions as the eviction carries them, dry run already settled. */
type EvictOptions = DeleteOptions & { dryRun: boolean };

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  const s: Status = { apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: BLOCKED, reason: 'TooManyRequests', code: 429, details: { causes: [{ reason: 'DisruptionBudget', message: cause }], retryAfterSeconds } as Status['details'] };
  return new ApiError(s);
}

/** Upstream's createTooManyRequestsError: the budget is stale or moved under us; retry in 10 s. */
const stillProcessing = (pdb: string): ApiError => tooManyRequests(`The disruption budget ${pdb} is still being processed by the server.`, 10);

const isConflict = (err: unknown): boolean => err instanceof ApiError && err.status.code === 409;

/** Terminal, pending and terminating pods disrupt nothing more by going. */
function canIgnoreBudget(pod: PodShape): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

/** Whether the delete must be pinned to the version judged: not for pods already past disrupting. */
function mustPinVersion(pod: PodShape): boolean {
  const phase = pod.status?.phase;
  return !(phase === 'Succeeded' || phase === 'Failed' || pod.metadata.deletionTimestamp);
}

const isReady = (pod: PodShape): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

const pinned = (o: EvictOptions, resourceVersion: string | undefined): EvictOptions => ({ ...o, preconditions: { ...o.preconditions, resourceVersion } });

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

/** upstream's propagateDryRun: the request's dryRun and the body's must agree when both are given. */
function deleteOptionsOf(eviction: KubeObject, requestDryRun: boolean): EvictOptions {
  const given = (eviction['deleteOptions'] as (Omit<DeleteOptions, 'dryRun'> & { dryRun?: unknown }) | undefined) ?? {};
  const bodyDryRun = Array.isArray(given.dryRun) ? (given.dryRun as unknown[]) : [];
  if (bodyDryRun.some((v) => v !== 'All')) throw errors.badRequest(`deleteOptions.dryRun: Unsupported value: ${JSON.stringify(bodyDryRun)}: supported values: "All"`);
  if (given.gracePeriodSeconds !== undefined && (!Number.isInteger(given.gracePeriodSeconds) || given.gracePeriodSeconds < 0)) {
    throw errors.badRequest(`deleteOptions.gracePeriodSeconds: Invalid value: ${String(given.gracePeriodSeconds)}: must be greater than or equal to 0`);
  }
  const { dryRun: _ignored, ...rest } = given;
  return { ...rest, dryRun: requestDryRun || bodyDryRun.length > 0 };
}

async function evictPod(ctx: ApiContext, pods: ResourceEntry, name: string, req: AnyRequest, w: EvictionWrite): Promise<Status> {
  // No registry entry serves Eviction alone: decode it against its own schema through the pods entry.
  const evictionEntry = { ...pods, def: { ...pods.def, schema: EVICTION_SCHEMA } } as ResourceEntry;
  const eviction = await decodeWriteBody(evictionEntry, req, w.namespace, 'Eviction', 'policy/v1');
  if (eviction.metadata.name !== name) throw errors.badRequest('name in URL does not match name in Eviction object');
  const options = deleteOptionsOf(eviction, w.dryRun);
  const success: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
  const evict = new Evictor(ctx, pods, w.namespace, name, w.fieldManager);

  // A pod that may go regardless of budgets is deleted at once; a conflict (it changed between the
  // read and the delete) is retried, unless the caller pinned a version of its own.
  const callerPinned = !!options.preconditions?.resourceVersion;
  let pod: PodShape | undefined;
  for (let attempt = 0; ; attempt++) {
    pod = (await ctx.resources.get(pods, w.namespace, name)) as PodShape;
    if (!canIgnoreBudget(pod)) break;
    try {
      await evict.deletePod(mustPinVersion(pod) && !callerPinned ? pinned(options, pod.metadata.resourceVersion) : options);
      return success;
    } catch (err) {
      if (callerPinned || !isConflict(err) || attempt + 1 >= RETRIES) throw err;
    }
  }

  const verdict = await spendDisruption(ctx, pod, options.dryRun, w.fieldManager);
  if (verdict.kind === 'unhealthy') {
    // The pod was judged unready: it must not have turned ready since, or the budget decides after all.
    try {
      await evict.deletePod(pinned(options, pod.metadata.resourceVersion));
    } catch (err) {
      if (isConflict(err) && !callerPinned) throw stillProcessing(verdict.pdb);
      throw err;
    }
  } else await evict.deletePod(options);
  return success;
}

/** One pod's delete, preceded by its DisruptionTarget condition as upstream's addConditionAndDeletePod. */
class Evictor {
  constructor(
    private readonly ctx: ApiContext,
    private readonly pods: ResourceEntry,
    private readonly namespace: string | undefined,
    private readonly name: string,
    private readonly fieldManager: string,
  ) {}

  async deletePod(options: EvictOptions): Promise<void> {
    let opts = options;
    if (!options.dryRun) {
      const { object } = await this.ctx.resources.update(
        this.pods,
        this.namespace,
        this.name,
        (cur) => {
          // The preconditions hold for the pod as it is now, or nothing is written.
          const pre = options.preconditions;
          if (pre?.uid && pre.uid !== cur.metadata.uid) throw errors.conflict(this.pods, this.name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
          if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion) {
            throw errors.conflict(this.pods, this.name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
          }
          return withDisruptionTarget(cur as PodShape, nowTimestamp(this.ctx.clock));
        },
        { fieldManager: this.fieldManager, subresource: 'status' },
      );
      // Our own write moved the version: the pin follows it.
      if (opts.preconditions?.resourceVersion) opts = pinned(opts, object.metadata.resourceVersion);
    }
    await this.ctx.resources.delete(this.pods, this.namespace, this.name, opts);
  }
}

/** podutil.UpdatePodCondition: the transition time moves only when the status does. */
function withDisruptionTarget(pod: PodShape, now: string): PodShape {
  const conditions = [...(pod.status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === 'DisruptionTarget');
  const prior = i >= 0 ? conditions[i] : undefined;
  const next: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: prior?.status === 'True' ? (prior.lastTransitionTime ?? now) : now, lastProbeTime: null };
  if (i >= 0) conditions[i] = next;
  else conditions.push(next);
  return { ...pod, status: { ...pod.status, conditions } };
}

type Verdict = { kind: 'none' } | { kind: 'spent' } | { kind: 'unhealthy'; pdb: string };

/** Throws 429 when the budget refuses; says how the eviction was allowed otherwise. */
async function spendDisruption(ctx: ApiContext, pod: PodShape, dryRun: boolean, fieldManager: string): Promise<Verdict> {
  const pdbEntry = ctx.registry.lookup('policy', 'v1', 'poddisruptionbudgets');
  if (!pdbEntry) return { kind: 'none' };
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
  if (!budgets.length) return { kind: 'none' };
  if (budgets.length > 1) {
    throw new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 });
  }
  const pdb = budgets[0]!;
  const status = (pdb['status'] as PdbStatus | undefined) ?? {};
  const policy = (pdb['spec'] as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy;
  if (!isReady(pod)) {
    // An unhealthy pod does not count towards the budget: it may go when the budget is met anyway.
    if (policy === 'AlwaysAllow') return { kind: 'unhealthy', pdb: pdb.metadata.name! };
    if ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0) return { kind: 'unhealthy', pdb: pdb.metadata.name! };
  }
  await ctx.resources.update(
    pdbEntry,
    pdb.metadata.namespace,
    pdb.metadata.name!,
    (cur) => {
      const st: PdbStatus = { ...((cur['status'] as PdbStatus | undefined) ?? {}) };
      const name = cur.metadata.name!;
      if ((st.observedGeneration ?? 0) < (cur.metadata.generation ?? 0)) throw stillProcessing(name);
      const allowed = st.disruptionsAllowed ?? 0;
      if (allowed < 0) throw errors.forbidden(pdbEntry, name, 'pdb disruptions allowed is negative');
      if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) throw errors.forbidden(pdbEntry, name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
      if (allowed === 0) throw tooManyRequests(`The disruption budget ${name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`, 0);
      st.disruptionsAllowed = allowed - 1;
      if (st.disruptionsAllowed === 0) {
        const now = nowTimestamp(ctx.clock);
        const prior = st.conditions?.find((c) => c.type === 'DisruptionAllowed');
        const next = { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '', observedGeneration: st.observedGeneration, lastTransitionTime: prior?.status === 'False' ? (prior.lastTransitionTime ?? now) : now };
        st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), next];
      }
      // The controller learns of the coming delete here, and does not count the pod meanwhile.
      st.disruptedPods = { ...st.disruptedPods, [pod.metadata.name!]: nowTimestamp(ctx.clock) };
      return { ...cur, status: st };
    },
    { dryRun, fieldManager, subresource: 'status' },
  );
  return { kind: 'spent' };
}
