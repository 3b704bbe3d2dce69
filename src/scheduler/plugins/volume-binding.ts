// VolumeBinding, as upstream's plugin and its SchedulerVolumeBinder:
//   PreFilter: the pod's claims, each found (or the pod waits, unresolvable); claims bound already,
//     claims to bind late (their class is WaitForFirstConsumer), and claims of an Immediate class
//     still unbound, which make the pod wait for the PV binder.
//   Filter: a bound claim's volume must admit the node (its node affinity); each late claim needs
//     a free matching volume the node can use, or a class that can provision there.
//   Reserve: the choice is assumed in the scheduler's caches (a volume's claimRef, a claim's
//     selected-node), so the next pod does not take the same volume.
//   PreBind: those writes go to the API, and the pod's Binding waits until the PV binder (and a
//     provisioner, for selected-node) have bound every claim.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, claimClass, isVolumeBoundToClaim } from '../../api/core/v1/storage-helpers.js';
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../../api/core/v1/types.js';
import { findMatchingVolume } from '../../api/core/v1/volume-matching.js';
import { parseQuantity } from '../../api/quantity/index.js';
import type { StorageClass } from '../../api/storage/v1/types.js';
import type { AssumeCache } from '../assume-cache.js';
import { Code, SKIP, unresolvable, type CycleState, type FilterPlugin, type PreBindPlugin, type ReservePlugin, type Status } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { classAllowsNode, volumeNodeAffinityOk } from '../volume-topology.js';

export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
/** The class upstream uses for local volumes made by hand: nothing provisions for it. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** PV informer index: volumes by class. */
export const PV_CLASS_INDEX = 'storageClass';

const STATE_KEY = 'VolumeBinding';

export interface VolumeBindingDeps {
  claims: AssumeCache<PersistentVolumeClaim>;
  volumes: AssumeCache<PersistentVolume>;
  storageClass(name: string): StorageClass | undefined;
  /** PUT of a whole object (the assumed version, with the resourceVersion it was read at). */
  updateVolume(pv: PersistentVolume): Promise<unknown>;
  updateClaim(pvc: PersistentVolumeClaim): Promise<unknown>;
  /** Resolves at the next PV or claim event (or after `ms`): PreBind re-checks then. */
  changed(ms: number): Promise<void>;
  /** How long PreBind waits for the bindings (upstream's bindTimeoutSeconds, 600). */
  bindTimeoutMs?: number;
}

interface PodVolumes {
  staticBindings: { claim: PersistentVolumeClaim; volume: PersistentVolume }[];
  dynamicProvisions: PersistentVolumeClaim[];
}

interface VolumeState {
  bound: PersistentVolumeClaim[];
  toBind: PersistentVolumeClaim[];
  byNode: Map<string, PodVolumes>;
  /** What Reserve assumed, for Unreserve and PreBind. */
  reserved?: PodVolumes;
}

const claimKey = (c: PersistentVolumeClaim): string => `${c.metadata.namespace ?? ''}/${c.metadata.name ?? ''}`;

/** The claim names a pod's volumes use: persistentVolumeClaim sources and generic ephemeral volumes (<pod>-<volume>). */
export function podClaimNames(pod: Pod): { name: string; ephemeral: boolean }[] {
  const out: { name: string; ephemeral: boolean }[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

const isFullyBound = (c: PersistentVolumeClaim): boolean => !!c.spec?.volumeName && c.metadata.annotations?.[ANN_BIND_COMPLETED] !== undefined;

function requestedBytes(c: PersistentVolumeClaim): number {
  try {
    return parseQuantity(c.spec?.resources?.requests?.['storage'] ?? '0').value();
  } catch {
    return 0;
  }
}

export class VolumeBindingPlugin implements FilterPlugin, ReservePlugin, PreBindPlugin {
  readonly name = 'VolumeBinding';

  constructor(private readonly deps: VolumeBindingDeps) {}

  preFilter(state: CycleState): Status | undefined {
    const pod = state.pod.pod;
    const names = podClaimNames(pod);
    if (names.length === 0) return SKIP;
    const ns = pod.metadata.namespace ?? 'default';
    const vs: VolumeState = { bound: [], toBind: [], byNode: new Map() };
    let unboundImmediate = false;
    for (const { name, ephemeral } of names) {
      const claim = this.deps.claims.get(`${ns}/${name}`);
      if (!claim) return unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (claim.metadata.deletionTimestamp) return unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      if (ephemeral && !claim.metadata.ownerReferences?.some((o) => o.controller && o.uid === pod.metadata.uid)) {
        return unresolvable(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
      }
      if (claim.spec?.volumeName) {
        vs.bound.push(claim);
        continue;
      }
      // IsDelayBindingMode: a class that doesn't exist counts as Immediate (the PV binder reports it).
      const cls = claimClass(claim);
      const sc = cls ? this.deps.storageClass(cls) : undefined;
      if (sc?.volumeBindingMode === 'WaitForFirstConsumer') vs.toBind.push(claim);
      else unboundImmediate = true;
    }
    if (unboundImmediate) return unresolvable(ERR_UNBOUND_IMMEDIATE);
    // Smallest request first, as upstream sorts them: a small claim doesn't take the volume a larger one needs.
    vs.toBind.sort((a, b) => requestedBytes(a) - requestedBytes(b));
    state.write(STATE_KEY, vs);
    return undefined;
  }

  filter(state: CycleState, node: NodeInfo): Status | undefined {
    const vs = state.read<VolumeState>(STATE_KEY);
    if (!vs) return undefined;
    const reasons: string[] = [];
    for (const claim of vs.bound) {
      const pv = this.deps.volumes.get(claim.spec!.volumeName!);
      if (!pv) return unresolvable(ERR_PV_NOT_EXIST);
      if (!volumeNodeAffinityOk(pv, node.node)) {
        reasons.push(ERR_NODE_CONFLICT);
        break;
      }
    }
    const found: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    if (vs.toBind.length) {
      const chosen = new Set<string>();
      let unsatisfied = false;
      for (const claim of vs.toBind) {
        const candidates = this.deps.volumes.byIndex(PV_CLASS_INDEX, claimClass(claim));
        let volume: PersistentVolume | undefined;
        try {
          volume = findMatchingVolume(claim, candidates, { delayBinding: true, nodeAffinityOk: (pv) => volumeNodeAffinityOk(pv, node.node), excluded: chosen });
        } catch {
          volume = undefined; // a selector that does not parse matches nothing
        }
        if (volume) {
          chosen.add(volume.metadata.name!);
          found.staticBindings.push({ claim, volume });
        } else if (this.canProvision(claim, node.node)) {
          found.dynamicProvisions.push(claim);
        } else {
          unsatisfied = true;
        }
      }
      if (unsatisfied) reasons.push(ERR_BIND_CONFLICT);
    }
    if (reasons.length) return { code: Code.UnschedulableAndUnresolvable, reasons };
    vs.byNode.set(node.name, found);
    return undefined;
  }

  /** checkVolumeProvisions: the claim's class has a provisioner that can place a volume on this node. */
  private canProvision(claim: PersistentVolumeClaim, node: Node): boolean {
    const sc = this.deps.storageClass(claimClass(claim));
    if (!sc || sc.provisioner === NO_PROVISIONER) return false;
    // A claim that names a data source or a selector is left to the provisioner to refuse.
    return classAllowsNode(sc, node);
  }

  reserve(state: CycleState, node: string): Status | undefined {
    const vs = state.read<VolumeState>(STATE_KEY);
    if (!vs) return undefined;
    const pv = vs.byNode.get(node);
    if (!pv) return undefined;
    const reserved: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    for (const { claim, volume } of pv.staticBindings) {
      // GetBindVolumeToClaim: a volume pre-bound to the claim keeps its word (no bound-by-controller).
      const preBound = isVolumeBoundToClaim(volume, claim);
      if (preBound && volume.spec?.claimRef?.uid === claim.metadata.uid) continue;
      const clone = structuredClone(volume);
      (clone.spec ??= {}).claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion };
      if (!preBound) (clone.metadata.annotations ??= {})[ANN_BOUND_BY_CONTROLLER] = 'yes';
      this.deps.volumes.assume(clone);
      reserved.staticBindings.push({ claim, volume: clone });
    }
    for (const claim of pv.dynamicProvisions) {
      const clone = structuredClone(claim);
      (clone.metadata.annotations ??= {})[ANN_SELECTED_NODE] = node;
      this.deps.claims.assume(clone);
      reserved.dynamicProvisions.push(clone);
    }
    vs.reserved = reserved;
    return undefined;
  }

  unreserve(state: CycleState): void {
    const r = state.read<VolumeState>(STATE_KEY)?.reserved;
    if (!r) return;
    for (const { volume } of r.staticBindings) this.deps.volumes.restore(volume.metadata.name!);
    for (const claim of r.dynamicProvisions) this.deps.claims.restore(claimKey(claim));
  }

  async preBind(state: CycleState, node: string): Promise<Status | undefined> {
    const vs = state.read<VolumeState>(STATE_KEY);
    if (!vs) return undefined;
    const r = vs.reserved ?? { staticBindings: [], dynamicProvisions: [] };
    const all = [...vs.bound, ...vs.toBind];
    try {
      for (const { volume } of r.staticBindings) await this.deps.updateVolume(volume);
      for (const claim of r.dynamicProvisions) await this.deps.updateClaim(claim);
      const deadline = Date.now() + (this.deps.bindTimeoutMs ?? 600_000);
      for (;;) {
        if (this.allBound(all, r, node)) return undefined;
        if (Date.now() > deadline) throw new Error('binding volumes: context deadline exceeded');
        await this.deps.changed(1000);
      }
    } catch (err) {
      return { code: Code.Error, reasons: [`running PreBind plugin "VolumeBinding": ${err instanceof Error ? err.message : String(err)}`] };
    }
  }

  /** checkBindings: every claim fully bound to a volume this node can use; a dynamic claim must keep its selected node. */
  private allBound(claims: PersistentVolumeClaim[], r: PodVolumes, node: string): boolean {
    const dynamic = new Set(r.dynamicProvisions.map(claimKey));
    for (const c of claims) {
      const claim = this.deps.claims.get(claimKey(c));
      if (!claim) throw new Error(`failed to get pvc "${claimKey(c)}"`);
      if (dynamic.has(claimKey(c)) && claim.metadata.annotations?.[ANN_SELECTED_NODE] !== node) throw new Error(`selectedNode annotation reset for PVC "${claim.metadata.name}"`);
      if (!isFullyBound(claim)) return false;
      const pv = this.deps.volumes.get(claim.spec!.volumeName!);
      if (!pv) return false;
      if (!isVolumeBoundToClaim(pv, claim)) return false;
    }
    return true;
  }
}
