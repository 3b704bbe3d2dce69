// The default RBAC policy reconciled at every start, as kube-apiserver's rbac/bootstrap-roles
// post-start hook: what is missing is created; an existing role gets the rules, labels and
// annotations it lacks (its own additions stay), an existing binding the subjects it lacks;
// an object annotated rbac.authorization.kubernetes.io/autoupdate=false is left alone.
import type { KubeObject } from '../api/meta/types.js';
import type { ClusterRole, ClusterRoleBinding, Subject } from '../api/rbac/v1/types.js';
import { RBAC_GROUP } from '../api/rbac/v1/types.js';
import { AUTOUPDATE_ANNOTATION, BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAPPING_LABEL, REMOVED_BOOTSTRAP_CLUSTER_ROLE_BINDINGS } from './authz/bootstrap-policy.js';
import { covers } from './authz/covers.js';
import { ApiError } from './errors.js';
import { deepEqual } from './fieldmanager/equality.js';
import type { ResourceEntry } from './registry/entry.js';
import type { Registry } from './registry/registry.js';
import type { ResourceStore } from './rest/resource-store.js';

const OWN = { fieldManager: 'kube-apiserver' };

function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

/** Labels and annotations the expected object has and the existing one lacks. */
function withMissingMeta(cur: KubeObject, want: KubeObject): KubeObject['metadata'] {
  return {
    ...cur.metadata,
    labels: { ...want.metadata.labels, ...cur.metadata.labels },
    annotations: { ...want.metadata.annotations, ...cur.metadata.annotations },
  };
}

function sameSubject(a: Subject, b: Subject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '') && (a.apiGroup ?? '') === (b.apiGroup ?? '');
}

function reconcileRole(cur: ClusterRole, want: ClusterRole): ClusterRole {
  const next: ClusterRole = { ...cur, metadata: withMissingMeta(cur, want) };
  if (want.aggregationRule) {
    // The aggregation controller owns the rules of an aggregated role; only its selectors are ours.
    const selectors = [...(cur.aggregationRule?.clusterRoleSelectors ?? [])];
    for (const s of want.aggregationRule.clusterRoleSelectors ?? []) if (!selectors.some((x) => deepEqual(x, s))) selectors.push(s);
    next.aggregationRule = { clusterRoleSelectors: selectors };
  } else {
    const { missing } = covers(cur.rules ?? [], want.rules ?? []);
    if (missing.length) next.rules = [...(cur.rules ?? []), ...missing];
  }
  return next;
}

function reconcileBinding(cur: ClusterRoleBinding, want: ClusterRoleBinding): ClusterRoleBinding {
  const subjects = [...(cur.subjects ?? [])];
  for (const s of want.subjects ?? []) if (!subjects.some((x) => sameSubject(x, s))) subjects.push(s);
  const next: ClusterRoleBinding = { ...cur, metadata: withMissingMeta(cur, want) };
  if (subjects.length) next.subjects = subjects;
  return next;
}

async function reconcile(resources: ResourceStore, entry: ResourceEntry, want: KubeObject, merge: (cur: KubeObject) => KubeObject): Promise<void> {
  const name = want.metadata.name!;
  let cur: KubeObject | undefined;
  try {
    cur = await resources.get(entry, undefined, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!cur) {
    try {
      await resources.create(entry, structuredClone(want), OWN);
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409)) throw err;
      cur = await resources.get(entry, undefined, name);
    }
  }
  if (cur.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return;
  const binding = want as ClusterRoleBinding;
  if (binding.roleRef && !deepEqual((cur as ClusterRoleBinding).roleRef, binding.roleRef)) {
    // roleRef is immutable: a binding to another role is replaced, as upstream does.
    await resources.delete(entry, undefined, name, {});
    await resources.create(entry, structuredClone(want), OWN);
    return;
  }
  await resources.update(entry, undefined, name, (c) => merge(c), OWN);
}

/**
 * Deletes a bootstrap object this version no longer has. Only ours goes: an object a user
 * created under that name lacks the bootstrapping label, and one set to autoupdate=false was
 * taken over by its admin.
 */
async function removeRetired(resources: ResourceStore, entry: ResourceEntry, name: string): Promise<void> {
  let cur: KubeObject;
  try {
    cur = await resources.get(entry, undefined, name);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (cur.metadata.labels?.[BOOTSTRAPPING_LABEL] !== 'rbac-defaults' || cur.metadata.annotations?.[AUTOUPDATE_ANNOTATION] === 'false') return;
  try {
    await resources.delete(entry, undefined, name, { preconditions: { uid: cur.metadata.uid } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export async function bootstrapRbac(registry: Registry, resources: ResourceStore): Promise<void> {
  const roles = registry.lookup(RBAC_GROUP, 'v1', 'clusterroles');
  const bindings = registry.lookup(RBAC_GROUP, 'v1', 'clusterrolebindings');
  if (!roles || !bindings) return;
  for (const r of BOOTSTRAP_CLUSTER_ROLES) await reconcile(resources, roles, r, (cur) => reconcileRole(cur as ClusterRole, r));
  for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await reconcile(resources, bindings, b, (cur) => reconcileBinding(cur as ClusterRoleBinding, b));
  for (const name of REMOVED_BOOTSTRAP_CLUSTER_ROLE_BINDINGS) await removeRetired(resources, bindings, name);
}
