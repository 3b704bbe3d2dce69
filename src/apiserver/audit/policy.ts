// kube-apiserver's --audit-policy-file: an audit.k8s.io/v1 Policy. The first rule matching a
// request decides its level (None when no rule does) and adds its omitStages to the policy's,
// as upstream's policy checker.
import { parseAllDocuments } from 'yaml';
import type { UserInfo } from '../auth/token.js';

export const AUDIT_API_VERSION = 'audit.k8s.io/v1';
export const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'] as const;
export type AuditLevel = (typeof LEVELS)[number];
export const STAGES = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'] as const;
export type AuditStage = (typeof STAGES)[number];

export interface GroupResources {
  group?: string;
  resources?: string[];
  resourceNames?: string[];
}

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: GroupResources[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** What a rule is matched against: upstream's authorizer attributes, the user absent when authentication failed. */
export interface AuditAttributes {
  user?: UserInfo;
  verb: string;
  resourceRequest: boolean;
  path: string;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
}

export interface RequestAuditConfig {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
  omitManagedFields: boolean;
}

export class AuditPolicyError extends Error {}

export function levelAtLeast(level: AuditLevel, min: AuditLevel): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(min);
}

/** Reads a policy file; as upstream, a file may hold several documents, whose rules are concatenated. */
export function parseAuditPolicy(text: string, source: string): AuditPolicy {
  const fail = (why: string) => new AuditPolicyError(`${source}: ${why}`);
  const docs = parseAllDocuments(text);
  const out: AuditPolicy = { rules: [] };
  let seen = 0;
  for (const d of docs) {
    if (d.errors.length) throw fail(`not YAML or JSON: ${d.errors[0]!.message.split('\n')[0]}`);
    const p = d.toJS() as (AuditPolicy & { kind?: string; apiVersion?: string }) | null;
    if (p === null || p === undefined) continue;
    seen++;
    if (p.kind !== 'Policy') throw fail(`kind is "${String(p.kind)}", want Policy`);
    if (p.apiVersion !== AUDIT_API_VERSION) throw fail(`apiVersion is "${String(p.apiVersion)}", want ${AUDIT_API_VERSION}`);
    checkStages(p.omitStages, 'omitStages', fail);
    for (const r of p.rules ?? []) {
      const where = `rules[${out.rules.length}]`;
      if (!LEVELS.includes(r?.level)) throw fail(`${where}.level: Unsupported value: "${String(r?.level)}": supported values: "${LEVELS.join('", "')}"`);
      checkStages(r.omitStages, `${where}.omitStages`, fail);
      if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) throw fail(`${where}.nonResourceURLs: Invalid value: rules cannot apply to both regular resources and non-resource URLs`);
      for (const u of r.nonResourceURLs ?? []) if (!u.startsWith('/') && u !== '*') throw fail(`${where}.nonResourceURLs: Invalid value: "${u}": non-resource URL rules must begin with a '/' character`);
      out.rules.push(r);
    }
    out.omitStages = [...(out.omitStages ?? []), ...(p.omitStages ?? [])];
    out.omitManagedFields = p.omitManagedFields ?? out.omitManagedFields;
  }
  if (!seen) throw fail('no Policy in the file');
  return out;
}

function checkStages(stages: unknown, where: string, fail: (why: string) => Error): void {
  if (stages === undefined) return;
  if (!Array.isArray(stages)) throw fail(`${where}: must be a list`);
  for (const s of stages) if (!STAGES.includes(s)) throw fail(`${where}: Unsupported value: "${String(s)}": supported values: "${STAGES.join('", "')}"`);
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.slice(0, -1));
}

function matchesResource(r: PolicyRule, a: AuditAttributes): boolean {
  if (!a.resourceRequest) return false;
  if (r.namespaces?.length && !r.namespaces.includes(a.namespace)) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    if (gr.resourceNames?.length && !gr.resourceNames.includes(a.name)) continue;
    for (const res of gr.resources) {
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && res.slice(2) === a.subresource) return true;
      if (res.endsWith('/*') && res.slice(0, -2) === a.resource) return true;
    }
  }
  return false;
}

function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && (!a.user || !r.users.includes(a.user.name))) return false;
  if (r.userGroups?.length && (!a.user || !a.user.groups.some((g) => r.userGroups!.includes(g)))) return false;
  if (r.verbs?.length && !r.verbs.includes(a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return matchesResource(r, a);
  if (r.nonResourceURLs?.length) return !a.resourceRequest && r.nonResourceURLs.some((spec) => pathMatches(a.path, spec));
  return true;
}

export function evaluatePolicy(policy: AuditPolicy, a: AuditAttributes): RequestAuditConfig {
  const rule = policy.rules.find((r) => ruleMatches(r, a));
  if (!rule) return { level: 'None', omitStages: new Set(), omitManagedFields: false };
  return {
    level: rule.level,
    omitStages: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
    omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
  };
}
