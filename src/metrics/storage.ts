// What the metrics server keeps: for each node and each pod's containers the last two samples
// of the cumulative CPU counter and the working set, as metrics-server's storage does. A rate is
// the counter's growth between the two over their time apart (the window); a restart (counter
// going down, a new start time) starts again from one sample. Only the latest scrape is kept:
// a node that failed its scrape, or a pod gone from its node's report, has no metrics.

export interface Sample {
  /** Epoch ms the sample was taken. */
  at: number;
  /** Cumulative CPU time, ns. */
  cpuNs: number;
  /** Working-set memory, bytes. */
  memory: number;
  /** Epoch ms the container (or node) started: a change means a restart. */
  startTime?: number;
}

export interface PodSamples {
  namespace: string;
  name: string;
  containers: Map<string, Sample>;
}

/** One scrape of one node. */
export interface NodeScrape {
  node: Sample;
  pods: PodSamples[];
}

interface Pair {
  prev?: Sample;
  last: Sample;
}

export interface Usage {
  /** Epoch ms of the later sample. */
  timestamp: number;
  windowMs: number;
  cpuNanoCores: number;
  memoryBytes: number;
}

function next(old: Pair | undefined, s: Sample): Pair {
  if (!old) return { last: s };
  const l = old.last;
  if (s.at === l.at) return old;
  const restarted = s.at < l.at || s.cpuNs < l.cpuNs || (s.startTime !== undefined && l.startTime !== undefined && s.startTime !== l.startTime);
  return restarted ? { last: s } : { prev: l, last: s };
}

function usage(p: Pair | undefined): Usage | undefined {
  if (!p?.prev) return undefined;
  const windowMs = p.last.at - p.prev.at;
  if (windowMs <= 0) return undefined;
  return { timestamp: p.last.at, windowMs, cpuNanoCores: ((p.last.cpuNs - p.prev.cpuNs) / windowMs) * 1e3, memoryBytes: p.last.memory };
}

export class MetricsStorage {
  private nodes = new Map<string, Pair>();
  /** "namespace/name" → container name → samples. */
  private pods = new Map<string, Map<string, Pair>>();

  /** Replaces what is kept with one round of scrapes (nodes absent from it lose their metrics). */
  store(round: Map<string, NodeScrape>): void {
    const nodes = new Map<string, Pair>();
    const pods = new Map<string, Map<string, Pair>>();
    for (const [name, scrape] of round) {
      nodes.set(name, next(this.nodes.get(name), scrape.node));
      for (const pod of scrape.pods) {
        const key = `${pod.namespace}/${pod.name}`;
        const old = this.pods.get(key);
        const containers = new Map<string, Pair>();
        for (const [c, s] of pod.containers) containers.set(c, next(old?.get(c), s));
        pods.set(key, containers);
      }
    }
    this.nodes = nodes;
    this.pods = pods;
  }

  node(name: string): Usage | undefined {
    return usage(this.nodes.get(name));
  }

  /** A pod's containers, only when every one of them has a rate (as upstream serves them). */
  pod(namespace: string, name: string): { timestamp: number; windowMs: number; containers: { name: string; usage: Usage }[] } | undefined {
    const cs = this.pods.get(`${namespace}/${name}`);
    if (!cs?.size) return undefined;
    const containers: { name: string; usage: Usage }[] = [];
    for (const [c, pair] of cs) {
      const u = usage(pair);
      if (!u) return undefined;
      containers.push({ name: c, usage: u });
    }
    containers.sort((a, b) => a.name.localeCompare(b.name));
    const first = containers[0]!.usage;
    return { timestamp: Math.max(...containers.map((c) => c.usage.timestamp)), windowMs: first.windowMs, containers };
  }

  /** Pods with samples ("namespace/name"). */
  podKeys(): IterableIterator<string> {
    return this.pods.keys();
  }

  nodeNames(): IterableIterator<string> {
    return this.nodes.keys();
  }
}
