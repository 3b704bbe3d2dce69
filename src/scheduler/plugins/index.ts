// The default plugin set, in upstream's filter order, with upstream's default score weights
// (TaintToleration 3; NodeAffinity, PodTopologySpread, InterPodAffinity 2; the resource scores 1).
// The volume plugins come with the listers they read (a scheduler without them, as in unit tests
// of the other plugins, has none).
import type { FilterPlugin, PreBindPlugin, ReservePlugin, ScorePlugin } from '../framework.js';
import { BalancedAllocationPlugin } from './balanced-allocation.js';
import { InterPodAffinityPlugin } from './inter-pod-affinity.js';
import { NodeAffinityPlugin } from './node-affinity.js';
import { NodeNamePlugin } from './node-name.js';
import { NodePortsPlugin } from './node-ports.js';
import { NodeResourcesFitPlugin } from './node-resources-fit.js';
import { NodeUnschedulablePlugin } from './node-unschedulable.js';
import { PodTopologySpreadPlugin, type PodTopologySpreadOptions } from './pod-topology-spread.js';
import { TaintTolerationPlugin } from './taint-toleration.js';
import { VolumeBindingPlugin, type VolumeBindingDeps } from './volume-binding.js';
import { VolumeRestrictionsPlugin } from './volume-restrictions.js';

export interface PluginOptions {
  podTopologySpread?: PodTopologySpreadOptions;
  volumes?: VolumeBindingDeps;
}

export interface PluginSet {
  filters: FilterPlugin[];
  scorers: ScorePlugin[];
  reservers: ReservePlugin[];
  preBinders: PreBindPlugin[];
}

export function defaultPlugins(opts: PluginOptions = {}): PluginSet {
  const taints = new TaintTolerationPlugin();
  const nodeAffinity = new NodeAffinityPlugin();
  const fit = new NodeResourcesFitPlugin();
  const spread = new PodTopologySpreadPlugin(opts.podTopologySpread);
  const interPod = new InterPodAffinityPlugin();
  const filters: FilterPlugin[] = [new NodeUnschedulablePlugin(), new NodeNamePlugin(), taints, nodeAffinity, new NodePortsPlugin(), fit];
  const reservers: ReservePlugin[] = [];
  const preBinders: PreBindPlugin[] = [];
  if (opts.volumes) {
    // Upstream's order: VolumeRestrictions after NodePorts/Fit, VolumeBinding before the spreading plugins.
    const claims = opts.volumes.claims;
    const binding = new VolumeBindingPlugin(opts.volumes);
    filters.push(new VolumeRestrictionsPlugin((key) => claims.get(key)), binding);
    reservers.push(binding);
    preBinders.push(binding);
  }
  filters.push(spread, interPod);
  return { filters, scorers: [taints, nodeAffinity, fit, spread, interPod, new BalancedAllocationPlugin()], reservers, preBinders };
}
