// The ValidatingAdmissionPolicy admission plugin: for each binding whose policy and match
// resources cover the request, resolve its params, evaluate the policy, and act on failed
// validations by the binding's validationActions (Deny refuses with upstream's message, Warn adds
// a response warning, Audit annotates the request's audit event, as do auditAnnotations). Runs after the mutating plugins, on create,
// update and delete. Policies and bindings come from the watch cache, as upstream's informers.
import type { CelInput } from '@bufbuild/cel';
import { ADMISSIONREGISTRATION_GROUP, type ParamRef, type ValidatingAdmissionPolicy, type ValidatingAdmissionPolicyBinding } from '../../../api/admissionregistration/v1/types.js';
import { toCel } from '../../../api/cel/values.js';
import { selectorFromLabelSelector } from '../../../api/labels/label-selector.js';
import type { KubeObject } from '../../../api/meta/types.js';
import { ApiError } from '../../errors.js';
import type { ResourceEntry } from '../../registry/entry.js';
import { objectKey, type Registry } from '../../registry/registry.js';
import type { AdmissionAttributes, AdmissionCheck, Requester } from '../../rest/resource-store.js';
import type { WatchCache } from '../../watchcache/watch-cache.js';
import { compilePolicy, type CompiledPolicy } from './compiled-policy.js';
import { evaluatePolicy, type Decision, type PolicyResult } from './evaluate.js';
import { matchesResources, type GroupVersionResource, type MatchRequest, type Operation } from './matching.js';

const OPERATIONS: Record<'create' | 'update' | 'delete', Operation> = { create: 'CREATE', update: 'UPDATE', delete: 'DELETE' };
const REASON_CODES: Record<string, number> = { Unauthorized: 401, Forbidden: 403, RequestEntityTooLarge: 413, Invalid: 422 };

interface Request {
  entry: ResourceEntry;
  op: Operation;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  namespace: string;
  name: string;
  requester?: Requester;
  attrs?: AdmissionAttributes;
}

/** A decision with the policy and binding it came from and the binding's actions. */
interface BoundDecision {
  policy: string;
  binding: string;
  actions: readonly string[];
  decision: Decision;
}

function labelsOf(o: KubeObject | undefined): Record<string, string> | undefined {
  return o ? (o.metadata.labels ?? {}) : undefined;
}

/** The `request` variable: admission.k8s.io/v1 AdmissionRequest's fields. */
function requestVariable(r: Request): Record<string, unknown> {
  const e = r.entry;
  const kind = { group: e.group, version: e.version, kind: e.kind };
  const resource = { group: e.group, version: e.version, resource: e.resource };
  const userInfo: Record<string, unknown> = { username: r.requester?.name ?? '' };
  if (r.requester?.groups.length) userInfo.groups = [...r.requester.groups];
  const out: Record<string, unknown> = {
    kind, resource, requestKind: kind, requestResource: resource, name: r.name, namespace: r.namespace, operation: r.op, userInfo, dryRun: r.attrs?.dryRun ?? false,
  };
  if (r.attrs?.subresource) out.subResource = out.requestSubResource = r.attrs.subresource;
  return out;
}

function deniedError(r: Request, d: BoundDecision): ApiError {
  const reason = d.decision.kind === 'deny' ? d.decision.reason : 'Invalid';
  const e = r.entry;
  const text = `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.decision.message}`;
  const subject = e.group ? `${e.resource}.${e.group}` : e.resource;
  return new ApiError({
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: `${r.name ? `${subject} "${r.name}"` : subject} is forbidden: ${text}`,
    reason,
    details: { name: r.name || undefined, group: e.group || undefined, kind: e.resource, causes: [{ message: text }] },
    code: REASON_CODES[reason] ?? 422,
  });
}

export function validatingAdmissionPolicy(registry: Registry, cache: WatchCache): AdmissionCheck | undefined {
  const policies = registry.lookup(ADMISSIONREGISTRATION_GROUP, 'v1', 'validatingadmissionpolicies');
  const bindings = registry.lookup(ADMISSIONREGISTRATION_GROUP, 'v1', 'validatingadmissionpolicybindings');
  if (!policies || !bindings) return undefined;
  const namespaces = registry.lookup('', 'v1', 'namespaces');

  const stored = (e: ResourceEntry, ns: string | undefined, name: string) => cache.resource(e.keyPrefix).items.get(objectKey(e, ns, name))?.obj;

  /** The versions of a resource served besides the one asked for (one storage, several versions). */
  const equivalentsCache = new Map<ResourceEntry, GroupVersionResource[]>();
  const equivalents = (entry: ResourceEntry) => {
    let out = equivalentsCache.get(entry);
    if (!out) {
      out = registry.entries().filter((x) => x !== entry && x.storage === entry.storage).map((x) => ({ group: x.group, version: x.version, resource: x.resource }));
      equivalentsCache.set(entry, out);
    }
    return out;
  };

  function matchRequest(r: Request): MatchRequest {
    let namespaceLabels: Record<string, string> | undefined;
    if (r.entry.group === '' && r.entry.resource === 'namespaces') namespaceLabels = labelsOf(r.object ?? r.oldObject);
    else if (r.namespace && namespaces) namespaceLabels = stored(namespaces, undefined, r.namespace)?.metadata.labels ?? {};
    return {
      operation: r.op,
      resource: { group: r.entry.group, version: r.entry.version, resource: r.entry.resource },
      equivalents: equivalents(r.entry),
      subresource: r.attrs?.subresource ?? '',
      name: r.name,
      namespace: r.entry.resource === 'namespaces' && r.entry.group === '' ? '' : r.namespace,
      objectLabels: labelsOf(r.object),
      oldObjectLabels: labelsOf(r.oldObject),
      namespaceLabels,
    };
  }

  /** The param objects a binding selects, or a failure message; [] means none were found. */
  function resolveParams(policy: ValidatingAdmissionPolicy, ref: ParamRef | undefined, r: Request): KubeObject[] | string {
    const pk = policy.spec!.paramKind!;
    const [group, version] = pk.apiVersion!.includes('/') ? pk.apiVersion!.split('/') as [string, string] : ['', pk.apiVersion!];
    const entry = registry.byGroupVersionKind(group, version, pk.kind ?? '');
    if (!entry) return `failed to configure policy: failed to find resource referenced by paramKind: '${pk.apiVersion}, Kind=${pk.kind}'`;
    if (!ref) return 'failed to configure binding: no paramRef was set while the policy has a paramKind';
    let ns: string | undefined;
    if (entry.namespaced) {
      ns = ref.namespace || r.namespace;
      if (!ns) return 'failed to configure binding: cannot use a namespaced paramRef in a policy binding that matches a cluster-scoped resource';
    }
    if (ref.name) {
      const p = stored(entry, ns, ref.name);
      return p ? [p] : [];
    }
    const selector = selectorFromLabelSelector(ref.selector ?? {});
    const out: KubeObject[] = [];
    for (const c of cache.resource(entry.keyPrefix).items.values()) {
      if ((ns === undefined || c.obj.metadata.namespace === ns) && selector.matches(c.obj.metadata.labels ?? {})) out.push(c.obj);
    }
    return out;
  }

  function evaluateBinding(policy: ValidatingAdmissionPolicy, compiled: CompiledPolicy, binding: ValidatingAdmissionPolicyBinding, r: Request, base: Record<string, CelInput>): PolicyResult {
    const failure = (message: string): PolicyResult => ({ decisions: [{ kind: 'error', message }], annotations: new Map() });
    if (!compiled.hasParams) return evaluatePolicy(compiled, { ...base, params: null });
    const params = resolveParams(policy, binding.spec?.paramRef, r);
    if (typeof params === 'string') return failure(params);
    if (!params.length) {
      if (binding.spec?.paramRef?.parameterNotFoundAction === 'Allow') return { decisions: [], annotations: new Map() };
      return failure('failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction');
    }
    // Every selected param is evaluated; the request must pass with each.
    const results = params.map((p) => evaluatePolicy(compiled, { ...base, params: toCel(p) }));
    return { decisions: results.flatMap((x) => x.decisions), annotations: new Map(results.flatMap((x) => [...x.annotations])) };
  }

  return (entry, obj, op, old, requester, attrs) => {
    // Admission configuration itself is exempt, so a bad policy can always be fixed or removed.
    if (entry.group === ADMISSIONREGISTRATION_GROUP) return;
    const boundList = cache.resource(bindings.keyPrefix).items;
    if (boundList.size === 0) return;
    const r: Request = {
      entry,
      op: OPERATIONS[op],
      object: op === 'delete' ? undefined : obj,
      oldObject: op === 'delete' ? obj : old,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name ?? '',
      requester,
      attrs,
    };
    const match = matchRequest(r);
    let base: Record<string, CelInput> | undefined;
    const decisions: BoundDecision[] = [];
    for (const c of boundList.values()) {
      const binding = c.obj as ValidatingAdmissionPolicyBinding;
      const policyName = binding.spec?.policyName;
      const policy = policyName ? (stored(policies, undefined, policyName) as ValidatingAdmissionPolicy | undefined) : undefined;
      if (!policy?.spec) continue;
      if (!matchesResources(policy.spec.matchConstraints, match, true) || !matchesResources(binding.spec?.matchResources, match, false)) continue;
      base ??= {
        object: toCel(r.object),
        oldObject: toCel(r.oldObject),
        request: toCel(requestVariable(r)),
        namespaceObject: toCel(r.namespace && namespaces ? stored(namespaces, undefined, r.namespace) : undefined),
      };
      const compiled = compilePolicy(policy);
      const result = evaluateBinding(policy, compiled, binding, r, base);
      for (const [key, value] of result.annotations) attrs?.annotate(`${compiled.name}/${key}`, value);
      for (const decision of result.decisions) {
        // A failure (not a false validation) counts only under failurePolicy Fail.
        if (decision.kind === 'error' && compiled.failurePolicy === 'Ignore') continue;
        decisions.push({ policy: compiled.name, binding: binding.metadata.name ?? '', actions: binding.spec?.validationActions ?? [], decision });
      }
    }
    let denied: BoundDecision | undefined;
    const audited: Record<string, unknown>[] = [];
    for (const d of decisions) {
      if (d.actions.includes('Warn')) attrs?.warn(`Validation failed for ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}': ${d.decision.message}`);
      if (d.actions.includes('Audit')) {
        audited.push({ message: d.decision.message, policy: d.policy, binding: d.binding, expressionIndex: d.decision.index ?? 0, validationActions: d.actions });
      }
      if (d.actions.includes('Deny')) denied ??= d;
    }
    if (audited.length) attrs?.annotate('validation.policy.admission.k8s.io/validation_failure', JSON.stringify(audited));
    if (denied) throw deniedError(r, denied);
  };
}
