// PodSecurity admission: a namespace's pod-security.kubernetes.io/{enforce,audit,warn}[-version]
// labels choose a Pod Security Standards level per mode. Pods breaking the enforce level are
// refused (403); breaking the warn level gives the client a warning, the audit level an audit
// annotation. Workload resources (their pod templates) get warnings and annotations only, as
// upstream, and a namespace whose enforce level tightens warns about its existing pods.
import type { Pod, PodSpec } from '../../../api/core/v1/pod/types.js';
import type { KubeObject, ObjectMeta } from '../../../api/meta/types.js';
import { invalid, path, type FieldError } from '../../../api/validation/field.js';
import { errors } from '../../errors.js';
import type { ResourceEntry } from '../../registry/entry.js';
import type { AdmissionAttributes, AdmissionCheck } from '../../rest/resource-store.js';
import type { WatchCache } from '../../watchcache/watch-cache.js';
import { namespaceObjects } from '../namespace-objects.js';
import { describe, evaluate, LATEST_MINOR, type Level } from './checks.js';

const PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;
type Mode = (typeof MODES)[number];
const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];
/** Upstream's cap on existing pods checked when a namespace's enforce level changes. */
const MAX_PODS_TO_CHECK = 3000;

interface LevelVersion {
  level: Level;
  /** Minor version of 1.x; LATEST_MINOR for "latest". */
  minor: number;
  latest: boolean;
}
type Policy = Record<Mode, LevelVersion>;

function render(lv: LevelVersion): string {
  return `${lv.level}:${lv.latest ? 'latest' : `v1.${lv.minor}`}`;
}

function same(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.minor === b.minor && a.latest === b.latest;
}

function parseVersion(v: string | undefined): { minor: number; latest: boolean } | undefined {
  if (v === undefined || v === 'latest') return { minor: LATEST_MINOR, latest: true };
  const m = /^v1\.(0|[1-9]\d*)$/.exec(v);
  if (!m) return undefined;
  const minor = Number(m[1]);
  // A version newer than this server evaluates as its latest.
  return minor > LATEST_MINOR ? { minor: LATEST_MINOR, latest: false } : { minor, latest: false };
}

/** The namespace's policy and the label errors in it; a bad label fails closed (restricted:latest), as upstream. */
export function policyOf(labels: Record<string, string> | undefined): { policy: Policy; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const policy = {} as Policy;
  for (const mode of MODES) {
    const levelLabel = `${PREFIX}${mode}`;
    const versionLabel = `${levelLabel}-version`;
    const rawLevel = labels?.[levelLabel];
    let level: Level = 'privileged';
    if (rawLevel !== undefined) {
      if ((LEVELS as string[]).includes(rawLevel)) level = rawLevel as Level;
      else {
        errs.push(invalid(path('metadata', 'labels').key(levelLabel), rawLevel, `must be one of ${LEVELS.join(', ')}`));
        level = 'restricted';
      }
    }
    const rawVersion = labels?.[versionLabel];
    let version = parseVersion(rawVersion);
    if (!version) {
      errs.push(invalid(path('metadata', 'labels').key(versionLabel), rawVersion, 'must be "latest" or "v1.x"'));
      version = { minor: LATEST_MINOR, latest: true };
    }
    policy[mode] = { level, ...version };
  }
  return { policy, errs };
}

/** The pod template of a workload resource (as upstream's DefaultPodSpecExtractor), or undefined. */
function podTemplateOf(entry: ResourceEntry, obj: KubeObject): { metadata: ObjectMeta; spec: PodSpec } | undefined {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  let template: { metadata?: ObjectMeta; spec?: PodSpec } | undefined;
  if (entry.group === '' && entry.resource === 'podtemplates') template = obj['template'] as typeof template;
  else if (entry.group === '' && entry.resource === 'replicationcontrollers') template = spec?.['template'] as typeof template;
  else if (entry.group === 'apps' && ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(entry.resource)) template = spec?.['template'] as typeof template;
  else if (entry.group === 'batch' && entry.resource === 'jobs') template = spec?.['template'] as typeof template;
  else if (entry.group === 'batch' && entry.resource === 'cronjobs') template = ((spec?.['jobTemplate'] as { spec?: { template?: typeof template } } | undefined)?.spec?.template);
  else return undefined;
  if (!template?.spec) return undefined;
  return { metadata: template.metadata ?? {}, spec: template.spec };
}

/** Only a change of image or seccomp annotations can make a stored pod less secure (upstream's isSignificantPodUpdate). */
function significantPodUpdate(pod: Pod, old: Pod): boolean {
  const images = (p: Pod) => JSON.stringify([...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? []), ...((p.spec?.ephemeralContainers ?? []) as { image?: string }[])].map((c) => c.image));
  const seccomp = (p: Pod) => JSON.stringify(Object.entries(p.metadata.annotations ?? {}).filter(([k]) => k.includes('seccomp.security.alpha.kubernetes.io/')).sort());
  return images(pod) !== images(old) || seccomp(pod) !== seccomp(old);
}

export class PodSecurityAdmission {
  constructor(
    private readonly cache: WatchCache,
    private readonly namespaces: ResourceEntry,
    private readonly pods: ResourceEntry | undefined,
  ) {}

  private namespaceLabels(name: string): Record<string, string> | undefined {
    return this.cache.resource(this.namespaces.keyPrefix).items.get(`${this.namespaces.keyPrefix}${name}`)?.obj.metadata.labels;
  }

  readonly check: AdmissionCheck = (entry, obj, op, old, _requester, attrs) => {
    if (op === 'delete') return;
    if (entry.storage === this.namespaces) return this.admitNamespace(obj, old, attrs);
    if (!entry.namespaced) return;
    const isPod = entry.group === '' && entry.resource === 'pods';
    let subject: { metadata: ObjectMeta; spec: PodSpec } | undefined;
    if (isPod) {
      const pod = obj as Pod;
      if (!pod.spec) return;
      if (op === 'update' && old && !significantPodUpdate(pod, old as Pod)) return;
      subject = { metadata: pod.metadata, spec: pod.spec };
    } else subject = podTemplateOf(entry, obj);
    if (!subject) return;
    const { policy, errs } = policyOf(this.namespaceLabels(obj.metadata.namespace ?? ''));
    // Nothing to enforce, warn or audit: the common case costs one label lookup.
    if (!errs.length && MODES.every((m) => policy[m].level === 'privileged')) return;
    if (errs.length) attrs?.annotate(`${PREFIX}error`, `Failed to parse policy: ${errs.map((e) => e.detail).join(', ')}`);
    const results = new Map<string, string>();
    const result = (lv: LevelVersion) => {
      const key = render(lv);
      if (!results.has(key)) results.set(key, describe(evaluate(lv.level, lv.minor, subject.metadata, subject.spec)));
      return results.get(key)!;
    };
    if (isPod) {
      const denied = result(policy.enforce);
      attrs?.annotate(`${PREFIX}enforce-policy`, render(policy.enforce));
      if (denied) {
        const audit = result(policy.audit);
        if (audit) attrs?.annotate(`${PREFIX}audit-violations`, `would violate PodSecurity ${JSON.stringify(render(policy.audit))}: ${audit}`);
        throw errors.forbidden(entry, obj.metadata.name ?? '', `violates PodSecurity ${JSON.stringify(render(policy.enforce))}: ${denied}`);
      }
    }
    const audit = result(policy.audit);
    if (audit) attrs?.annotate(`${PREFIX}audit-violations`, `would violate PodSecurity ${JSON.stringify(render(policy.audit))}: ${audit}`);
    const warn = result(policy.warn);
    if (warn) attrs?.warn(`would violate PodSecurity ${JSON.stringify(render(policy.warn))}: ${warn}`);
  };

  private admitNamespace(ns: KubeObject, old: KubeObject | undefined, attrs: AdmissionAttributes | undefined): void {
    const { policy, errs } = policyOf(ns.metadata.labels);
    if (errs.length) throw errors.invalid(this.namespaces, ns.metadata.name ?? '', errs);
    if (!old || !this.pods) return;
    const before = policyOf(old.metadata.labels).policy.enforce;
    const enforce = policy.enforce;
    // Existing pods are checked only when enforcement tightens, as upstream.
    if (same(before, enforce) || enforce.level === 'privileged') return;
    if (before.minor === enforce.minor && before.latest === enforce.latest && LEVELS.indexOf(enforce.level) <= LEVELS.indexOf(before.level)) return;
    for (const w of this.existingPodWarnings(ns.metadata.name ?? '', enforce)) attrs?.warn(w);
  }

  /** Upstream's EvaluatePodsInNamespace: one warning per distinct set of reasons, naming the first pod. */
  private existingPodWarnings(namespace: string, enforce: LevelVersion): string[] {
    const all = namespaceObjects<Pod>(this.cache, this.pods!, namespace);
    const pods = all.slice(0, MAX_PODS_TO_CHECK);
    const byReasons = new Map<string, { first: string; count: number }>();
    for (const pod of pods) {
      if (!pod.spec) continue;
      const reasons = evaluate(enforce.level, enforce.minor, pod.metadata, pod.spec).map((v) => v.reason);
      if (!reasons.length) continue;
      const key = reasons.join(', ');
      const seen = byReasons.get(key);
      const name = pod.metadata.name ?? '';
      if (!seen) byReasons.set(key, { first: name, count: 1 });
      else {
        seen.count++;
        if (name < seen.first) seen.first = name;
      }
    }
    const out: string[] = [];
    if (pods.length < all.length) out.push(`new PodSecurity enforce level only checked against the first ${pods.length} of ${all.length} existing pods`);
    if (byReasons.size) out.push(`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(render(enforce))}`);
    const podWarnings = [...byReasons].map(([reasons, { first, count }]) => {
      const who = count === 1 ? first : count === 2 ? `${first} (and 1 other pod)` : `${first} (and ${count - 1} other pods)`;
      return `${who}: ${reasons}`;
    });
    return [...out, ...podWarnings.sort()];
  }
}

export function podSecurityAdmission(cache: WatchCache, namespaces: ResourceEntry, pods: ResourceEntry | undefined): AdmissionCheck {
  return new PodSecurityAdmission(cache, namespaces, pods).check;
}
