// The default plugin set, in upstream's filter order, with upstream's default score weights
// (TaintToleration 3; NodeAffinity, PodTopologySpread, InterPodAffinity 2; the resource scores 1).
import type { FilterPlugin, ScorePlugin } from '../framework.js';
import { BalancedAllocationPlugin } from './balanced-allocation.js';
import { InterPodAffinityPlugin } from './inter-pod-affinity.js';
import { NodeAffinityPlugin } from './node-affinity.js';
import { NodeNamePlugin } from './node-name.js';
import { NodePortsPlugin } from './node-ports.js';
import { NodeResourcesFitPlugin } from './node-resources-fit.js';
import { NodeUnschedulablePlugin } from './node-unschedulable.js';
import { PodTopologySpreadPlugin, type PodTopologySpreadOptions } from './pod-topology-spread.js';
import { TaintTolerationPlugin } from './taint-toleration.js';

export interface PluginOptions {
  podTopologySpread?: PodTopologySpreadOptions;
}

export function defaultPlugins(opts: PluginOptions = {}): { filters: FilterPlugin[]; scorers: ScorePlugin[] } {
  const taints = new TaintTolerationPlugin();
  const nodeAffinity = new NodeAffinityPlugin();
  const fit = new NodeResourcesFitPlugin();
  const spread = new PodTopologySpreadPlugin(opts.podTopologySpread);
  const interPod = new InterPodAffinityPlugin();
  return {
    filters: [new NodeUnschedulablePlugin(), new NodeNamePlugin(), taints, nodeAffinity, new NodePortsPlugin(), fit, spread, interPod],
    scorers: [taints, nodeAffinity, fit, spread, interPod, new BalancedAllocationPlugin()],
  };
}
