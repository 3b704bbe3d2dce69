// The MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins: the configurations from
// the watch cache (informer-fed, so a request never LISTs), sorted by name as upstream; each
// webhook that matches is sent an AdmissionReview. Mutating webhooks run one after another, each
// JSONPatch applied before the next is called, and once more (IfNeeded ones) when a later one
// changed the object; the patched object is defaulted and validated again. Validating webhooks
// run in parallel on the final object. Failures follow failurePolicy with upstream's texts.
import { randomUUID } from 'node:crypto';
import type { CelInput } from '@bufbuild/cel';
import jsonpatch, { type Operation as PatchOperation } from 'fast-json-patch';
import { ADMISSIONREGISTRATION_GROUP, type MutatingWebhook, type MutatingWebhookConfiguration, type ValidatingWebhook, type ValidatingWebhookConfiguration } from '../../../api/admissionregistration/v1/types.js';
import { toCel } from '../../../api/cel/values.js';
import type { KubeObject } from '../../../api/meta/types.js';
import { ApiError, errors } from '../../errors.js';
import type { ResourceEntry } from '../../registry/entry.js';
import { objectKey, type Registry } from '../../registry/registry.js';
import type { AdmissionAttributes, AdmissionCheck, Requester } from '../../rest/resource-store.js';
import type { WatchCache } from '../../watchcache/watch-cache.js';
import type { WebhookClient } from '../../webhook/client.js';
import type { GroupVersionResource, MatchRequest } from '../validating-policy/matching.js';
import { isExemptResource, matchConditionsPass, webhookMatches } from './matching.js';
import { admissionRequest, admissionReview, reviewVersion, verifyAdmissionResponse, type AdmissionInput, type AdmissionResult, type Operation } from './review.js';

const OPERATIONS: Record<'create' | 'update' | 'delete', Operation> = { create: 'CREATE', update: 'UPDATE', delete: 'DELETE' };

interface Hook<H extends ValidatingWebhook> {
  configuration: string;
  hook: H;
}

/** A failure to reach or understand a webhook: failurePolicy decides (upstream's ErrCallingWebhook). */
class CallingError extends Error {
  constructor(readonly webhook: string, reason: string) {
    super(`failed calling webhook "${webhook}": ${reason}`);
  }
}

/** The webhook said no: the request fails whatever the failurePolicy (ToStatusErr). */
function rejection(webhook: string, status: AdmissionResult['status']): ApiError {
  const s = { ...(status ?? {}) };
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const code = typeof s.code === 'number' && s.code >= 400 ? s.code : 400;
  const message = s.message ? `${deniedBy}: ${s.message}` : s.reason ? `${deniedBy}: ${s.reason}` : `${deniedBy} without explanation`;
  const out: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  if (s.reason) out.reason = s.reason;
  if (s.details) out.details = s.details;
  return new ApiError(out as unknown as ConstructorParameters<typeof ApiError>[0]);
}

function dryRunUnsupported(webhook: string): ApiError {
  return errors.badRequest(`admission webhook "${webhook}" does not support dry run`);
}

interface Deps {
  registry: Registry;
  cache: WatchCache;
  client: WebhookClient;
}

function hooksOf<H extends ValidatingWebhook>(cache: WatchCache, entry: ResourceEntry | undefined): Hook<H>[] {
  if (!entry) return [];
  const items = cache.resource(entry.keyPrefix).items;
  if (items.size === 0) return [];
  const configs = [...items.values()].map((c) => c.obj as (ValidatingWebhookConfiguration | MutatingWebhookConfiguration)).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  return configs.flatMap((c) => (c.webhooks ?? []).map((hook) => ({ configuration: c.metadata.name!, hook: hook as H })));
}

/** What matching and calling need of one request. */
class RequestView {
  readonly input: AdmissionInput;
  private equivalents?: GroupVersionResource[];

  constructor(private readonly deps: Deps, readonly entry: ResourceEntry, obj: KubeObject, op: 'create' | 'update' | 'delete', old: KubeObject | undefined, requester: Requester | undefined, readonly attrs: AdmissionAttributes | undefined) {
    this.input = {
      entry,
      operation: OPERATIONS[op],
      name: obj.metadata.name ?? '',
      namespace: obj.metadata.namespace ?? '',
      subresource: attrs?.subresource ?? '',
      object: op === 'delete' ? undefined : obj,
      oldObject: op === 'delete' ? obj : old,
      requester,
      dryRun: attrs?.dryRun ?? false,
    };
  }

  matchRequest(): MatchRequest {
    const { registry, cache } = this.deps;
    const e = this.entry;
    const isNamespace = e.group === '' && e.resource === 'namespaces';
    let namespaceLabels: Record<string, string> | undefined;
    if (isNamespace) namespaceLabels = (this.input.object ?? this.input.oldObject)?.metadata.labels ?? {};
    else if (this.input.namespace) {
      const ns = registry.lookup('', 'v1', 'namespaces');
      namespaceLabels = ns ? (cache.resource(ns.keyPrefix).items.get(objectKey(ns, undefined, this.input.namespace))?.obj.metadata.labels ?? {}) : {};
    }
    this.equivalents ??= registry.entries().filter((x) => x !== e && x.storage === e.storage).map((x) => ({ group: x.group, version: x.version, resource: x.resource }));
    return {
      operation: this.input.operation,
      resource: { group: e.group, version: e.version, resource: e.resource },
      equivalents: this.equivalents,
      subresource: this.input.subresource,
      name: this.input.name,
      namespace: isNamespace ? '' : this.input.namespace,
      objectLabels: this.input.object ? (this.input.object.metadata.labels ?? {}) : undefined,
      oldObjectLabels: this.input.oldObject ? (this.input.oldObject.metadata.labels ?? {}) : undefined,
      namespaceLabels,
    };
  }

  celActivation(): Record<string, CelInput> {
    const { object: _o, oldObject: _old, ...request } = admissionRequest(this.input, '');
    return { object: toCel(this.input.object), oldObject: toCel(this.input.oldObject), request: toCel(request), authorizer: null };
  }
}

/** Whether to call the hook: false to skip, or the CallingError of match conditions that could not be decided. */
function shouldCall(hook: ValidatingWebhook, view: RequestView, match: MatchRequest): boolean | CallingError {
  if (!webhookMatches(hook, match)) return false;
  const m = matchConditionsPass(hook, () => view.celActivation());
  return typeof m === 'string' ? new CallingError(hook.name, m) : m;
}

/** One AdmissionReview round trip: the verified result, or the CallingError to judge by failurePolicy. */
async function callHook(client: WebhookClient, hook: ValidatingWebhook, view: RequestView, mutating: boolean): Promise<AdmissionResult | CallingError> {
  const version = reviewVersion(hook.admissionReviewVersions);
  if (!version) return new CallingError(hook.name, `could not create admission objects: webhook does not accept known AdmissionReview versions`);
  const uid = randomUUID();
  const body = admissionReview(version, admissionRequest(view.input, uid));
  const r = await client.post(hook.clientConfig, body, hook.timeoutSeconds ?? 10);
  if (!r.ok) return new CallingError(hook.name, r.stage === 'config' ? `could not get REST client: ${r.message}` : `failed to call webhook: ${r.message}`);
  const result = verifyAdmissionResponse(r.body, uid, version, mutating);
  if (typeof result === 'string') return new CallingError(hook.name, `received invalid webhook response: ${result}`);
  return result;
}

function report(view: RequestView, hook: ValidatingWebhook, result: AdmissionResult): void {
  for (const [k, v] of Object.entries(result.auditAnnotations)) view.attrs?.annotate(`${hook.name}/${k}`, v);
  for (const w of result.warnings) view.attrs?.warn(w);
}

function sideEffectsAllowDryRun(hook: ValidatingWebhook): boolean {
  return hook.sideEffects === 'None' || hook.sideEffects === 'NoneOnDryRun';
}

/** Replaces the object's contents in place: admission checks change the object they are given. */
function replaceContents(target: KubeObject, next: KubeObject): void {
  for (const k of Object.keys(target)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, next);
}

/** Applies a webhook's JSONPatch: whether it changed the object; a CallingError for an undecodable patch. */
function applyPatch(hook: ValidatingWebhook, obj: KubeObject, patch: Buffer): boolean | CallingError {
  let ops: unknown;
  try {
    ops = JSON.parse(patch.toString('utf8'));
  } catch (err) {
    return new CallingError(hook.name, `received undecodable patch in webhook response: ${(err as Error).message}`);
  }
  if (!Array.isArray(ops)) return new CallingError(hook.name, 'received undecodable patch in webhook response: json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (!ops.length) return false;
  const before = JSON.stringify(obj);
  let next: KubeObject;
  try {
    next = jsonpatch.applyPatch(structuredClone(obj), ops as PatchOperation[], true, true).newDocument;
  } catch (err) {
    throw errors.internal(err);
  }
  if (!next || typeof next !== 'object' || Array.isArray(next)) throw errors.internal(new Error('the patched object is not an object'));
  const changed = JSON.stringify(next) !== before;
  if (changed) replaceContents(obj, next);
  return changed;
}

/** Defaulting and validation of what the webhooks made, as upstream decodes (defaults) and validates after mutation. */
function revalidate(entry: ResourceEntry, obj: KubeObject, op: 'create' | 'update' | 'delete', old: KubeObject | undefined): void {
  entry.def.default?.(obj);
  const errs = op === 'create' ? entry.def.validateCreate?.(obj) ?? [] : op === 'update' && old ? entry.def.validateUpdate?.(obj, old) ?? [] : [];
  if (errs.length) throw errors.invalid(entry, obj.metadata.name ?? '', errs);
}

export function mutatingAdmissionWebhook(deps: Deps): AdmissionCheck {
  const configs = deps.registry.lookup(ADMISSIONREGISTRATION_GROUP, 'v1', 'mutatingwebhookconfigurations');
  return async (entry, obj, op, old, requester, attrs) => {
    if (isExemptResource(entry.group, entry.resource)) return;
    const hooks = hooksOf<MutatingWebhook>(deps.cache, configs);
    if (!hooks.length) return;
    const view = new RequestView(deps, entry, obj, op, old, requester, attrs);
    const match = view.matchRequest();
    let mutated = false;
    // Upstream's reinvocation: IfNeeded webhooks called before a later change are called once more.
    const invokedIfNeeded = new Set<number>();
    const reinvoke = new Set<number>();
    const run = async (round: number, index: number, h: Hook<MutatingWebhook>) => {
      const { hook, configuration } = h;
      const call = shouldCall(hook, view, match);
      if (call === false) return;
      let changed = false;
      let err: CallingError | undefined = call === true ? undefined : call;
      if (!err) {
        if (view.input.dryRun && !sideEffectsAllowDryRun(hook)) throw dryRunUnsupported(hook.name);
        const result = await callHook(deps.client, hook, view, true);
        if (result instanceof CallingError) err = result;
        else {
          report(view, hook, result);
          if (!result.allowed) throw rejection(hook.name, result.status);
          if (result.patch?.length) {
            if (op === 'delete') throw errors.internal(new Error(`admission webhook "${hook.name}" attempted to modify the object, which is not supported for this operation`));
            const c = applyPatch(hook, obj, result.patch);
            if (c instanceof CallingError) err = c;
            else changed = c;
          }
        }
      }
      attrs?.annotate(`mutation.webhook.admission.k8s.io/round_${round}_index_${index}`, JSON.stringify({ configuration, webhook: hook.name, mutated: changed }));
      if (changed) {
        mutated = true;
        for (const i of invokedIfNeeded) reinvoke.add(i);
      }
      if (hook.reinvocationPolicy === 'IfNeeded') invokedIfNeeded.add(index);
      if (!err) return;
      if (hook.failurePolicy === 'Ignore') {
        attrs?.annotate(`failed-open.mutation.webhook.admission.k8s.io/round_${round}_index_${index}`, hook.name);
        return;
      }
      throw errors.internal(err);
    };
    for (const [i, h] of hooks.entries()) await run(0, i, h);
    if (reinvoke.size) {
      const again = [...reinvoke];
      invokedIfNeeded.clear();
      reinvoke.clear();
      for (const i of again.sort((a, b) => a - b)) await run(1, i, hooks[i]!);
    }
    if (mutated) revalidate(entry, obj, op, old);
  };
}

export function validatingAdmissionWebhook(deps: Deps): AdmissionCheck {
  const configs = deps.registry.lookup(ADMISSIONREGISTRATION_GROUP, 'v1', 'validatingwebhookconfigurations');
  return async (entry, obj, op, old, requester, attrs) => {
    if (isExemptResource(entry.group, entry.resource)) return;
    const hooks = hooksOf<ValidatingWebhook>(deps.cache, configs);
    if (!hooks.length) return;
    const view = new RequestView(deps, entry, obj, op, old, requester, attrs);
    const match = view.matchRequest();
    const outcomes = await Promise.all(hooks.map(async ({ hook }): Promise<ApiError | CallingError | undefined> => {
      const call = shouldCall(hook, view, match);
      if (call === false) return undefined;
      if (call !== true) return call;
      if (view.input.dryRun && !sideEffectsAllowDryRun(hook)) return dryRunUnsupported(hook.name);
      const result = await callHook(deps.client, hook, view, false);
      if (result instanceof CallingError) return result;
      report(view, hook, result);
      return result.allowed ? undefined : rejection(hook.name, result.status);
    }));
    let first: ApiError | undefined;
    outcomes.forEach((o, i) => {
      if (!o) return;
      const hook = hooks[i]!.hook;
      if (o instanceof CallingError) {
        if (hook.failurePolicy === 'Ignore') {
          attrs?.annotate(`failed-open.validating.webhook.admission.k8s.io/round_0_index_${i}`, hook.name);
          return;
        }
        first ??= errors.internal(o);
        return;
      }
      first ??= o;
    });
    if (first) throw first;
  };
}
