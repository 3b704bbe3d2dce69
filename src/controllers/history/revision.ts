// ControllerRevisions (upstream's controller/history): a DaemonSet or StatefulSet snapshots each
// pod template it has run as a ControllerRevision named `<owner>-<hash>`, so pods can be told
// apart by revision and a rollout knows what is current and what is old.
import type { ControllerRevision } from '../../api/apps/v1/types.js';
import type { PodTemplateSpec } from '../../api/core/v1/pod/types.js';
import type { KubeObject, OwnerReference } from '../../api/meta/types.js';
import { R, resourcePath } from '../../client/resources.js';
import { isAlreadyExists, isNotFound } from '../../client/errors.js';
import type { ApiClient } from '../../client/rest.js';
import { canonicalJson } from '../common/canonical-json.js';
import { fnv32a, safeEncodeString } from '../common/template-hash.js';

export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** What a revision records: a patch replacing the owner's template, as upstream stores it. */
export function revisionData(template: PodTemplateSpec | undefined): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...(structuredClone(template ?? {}) as Record<string, unknown>), $patch: 'replace' } } };
}

export function revisionHash(data: unknown, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(data)));
  if (collisionCount) {
    const extra = new Uint8Array(8);
    new DataView(extra.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(extra, h);
  }
  return safeEncodeString(String(h));
}

export const sameData = (a: ControllerRevision, data: unknown): boolean => canonicalJson(a.data) === canonicalJson(data);

export interface RevisionOwner {
  owner: KubeObject;
  ref: OwnerReference;
  /** Labels copied onto the revision (the owner's selector labels, as upstream). */
  labels: Record<string, string>;
  template: PodTemplateSpec | undefined;
  collisionCount?: number;
}

export interface RevisionState {
  /** The revision of the current template. */
  update: ControllerRevision;
  /** Every revision owned, oldest first, including `update`. */
  history: ControllerRevision[];
  /** The collision count to report when a hash collided. */
  collisionCount?: number;
}

const maxRevision = (revs: ControllerRevision[]): number => revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0);

/**
 * Finds or creates the revision of the owner's template. An equal older revision is reused and
 * renumbered to be the newest (a rollback); a name taken by a different template is a hash
 * collision, resolved as upstream by bumping the collision count.
 */
export async function ensureRevision(client: ApiClient, owned: ControllerRevision[], o: RevisionOwner): Promise<RevisionState> {
  const ns = o.owner.metadata.namespace!;
  const history = [...owned].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  const data = revisionData(o.template);
  const next = maxRevision(history) + 1;
  const equal = history.filter((r) => sameData(r, data));
  if (equal.length) {
    let rev = equal[equal.length - 1]!;
    if ((rev.revision ?? 0) !== maxRevision(history)) {
      rev = await client.update<ControllerRevision>(resourcePath(R.controllerrevisions, ns, rev.metadata.name), { ...rev, apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: next });
      const i = history.findIndex((r) => r.metadata.uid === rev.metadata.uid);
      history.splice(i, 1);
      history.push(rev);
    }
    return { update: rev, history, collisionCount: o.collisionCount };
  }
  let collisionCount = o.collisionCount ?? 0;
  for (;;) {
    const hash = revisionHash(data, collisionCount);
    const body: ControllerRevision = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: `${o.owner.metadata.name}-${hash}`, namespace: ns, labels: { ...o.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash }, ownerReferences: [o.ref] },
      data,
      revision: next,
    };
    try {
      const created = await client.create<ControllerRevision>(resourcePath(R.controllerrevisions, ns), body);
      return { update: created, history: [...history, created], collisionCount: collisionCount || o.collisionCount };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get<ControllerRevision>(resourcePath(R.controllerrevisions, ns, body.metadata.name));
      const ours = existing.metadata.ownerReferences?.some((r) => r.uid === o.ref.uid);
      if (ours && sameData(existing, data)) return { update: existing, history: [...history.filter((r) => r.metadata.uid !== existing.metadata.uid), existing], collisionCount: o.collisionCount };
      collisionCount++;
    }
  }
}

/** Deletes the oldest revisions beyond the limit, sparing any revision still named by a live pod or by `keep`. */
export async function truncateHistory(client: ApiClient, history: ControllerRevision[], live: Set<string>, limit: number | undefined): Promise<void> {
  const candidates = history.filter((r) => !live.has(r.metadata.name!) && !live.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? ''));
  const excess = candidates.length - (limit ?? DEFAULT_REVISION_HISTORY_LIMIT);
  for (const r of candidates.slice(0, Math.max(0, excess))) {
    try {
      await client.delete(resourcePath(R.controllerrevisions, r.metadata.namespace, r.metadata.name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
