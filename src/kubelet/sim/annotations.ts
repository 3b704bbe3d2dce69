// The pod annotations that script a simulated pod's life (documented in docs/sim-nodes.md).
// A per-container form `<key>.<container name>` overrides the pod-wide value for one container.

export const RUN_SECONDS = 'sim.k8ts.io/run-seconds';
export const EXIT_CODE = 'sim.k8ts.io/exit-code';
export const NEVER_READY = 'sim.k8ts.io/never-ready';
export const START_DELAY_MS = 'sim.k8ts.io/start-delay-ms';
/** Synthetic usage a simulated container reports (quantities: `250m`, `64Mi`). */
export const CPU_USAGE = 'sim.k8ts.io/cpu-usage';
export const MEMORY_USAGE = 'sim.k8ts.io/memory-usage';
/** What a container uses when its pod says nothing. */
export const DEFAULT_CPU_USAGE = '5m';
export const DEFAULT_MEMORY_USAGE = '16Mi';

function lookup(annotations: Record<string, string>, key: string, container?: string): string | undefined {
  if (container !== undefined) {
    const own = annotations[`${key}.${container}`];
    if (own !== undefined) return own;
  }
  return annotations[key];
}

function nonNegative(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export interface ContainerScript {
  /** How long the container runs before exiting; undefined runs forever. */
  runMs?: number;
  exitCode: number;
  startDelayMs: number;
}

/**
 * What a container does. Init containers exit 0 at once unless a run time is given for them by
 * name: a pod-wide run time describes the main work, not the setup.
 */
export function containerScript(annotations: Record<string, string>, container: string, isInit: boolean): ContainerScript {
  const runOwn = nonNegative(annotations[`${RUN_SECONDS}.${container}`]);
  const runPod = isInit ? undefined : nonNegative(annotations[RUN_SECONDS]);
  const run = runOwn ?? runPod;
  const code = Number(lookup(annotations, EXIT_CODE, container) ?? '0');
  return {
    runMs: run !== undefined ? run * 1000 : isInit ? 0 : undefined,
    exitCode: Number.isInteger(code) ? code : 0,
    startDelayMs: nonNegative(lookup(annotations, START_DELAY_MS, container)) ?? 0,
  };
}

export function neverReady(annotations: Record<string, string> | undefined, container?: string): boolean {
  return lookup(annotations ?? {}, NEVER_READY, container) === 'true';
}

/** A container's synthetic usage from its pod's annotations: nanocores and bytes. */
export function containerUsage(annotations: Record<string, string>, container: string, parse: (q: string) => number | undefined): { cpuNanoCores: number; memoryBytes: number } {
  const cpu = parse(`${lookup(annotations, CPU_USAGE, container) ?? DEFAULT_CPU_USAGE}`) ?? 0;
  const memory = parse(`${lookup(annotations, MEMORY_USAGE, container) ?? DEFAULT_MEMORY_USAGE}`) ?? 0;
  return { cpuNanoCores: cpu * 1e9, memoryBytes: memory };
}
