// The order in which a pod's running containers stop (upstream's terminationOrdering, with
// SidecarContainers): regular containers all at once; sidecars (restartable init containers)
// only after every regular container has stopped, and each sidecar after the sidecars declared
// below it, so the last one started is the first one stopped. Waiting spends the waiting
// container's own grace period, never more.
import type { Pod } from '../api/core/v1/pod/types.js';
import { isSidecar } from './pod-status.js';

export class TerminationOrdering {
  private readonly stopped = new Map<string, { promise: Promise<void>; resolve(): void }>();
  private readonly prerequisites = new Map<string, string[]>();

  constructor(
    pod: Pod,
    running: readonly string[],
    private readonly clock: () => number = Date.now,
  ) {
    const live = new Set(running);
    for (const name of live) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.stopped.set(name, { promise, resolve });
    }
    const regular = (pod.spec?.containers ?? []).map((c) => c.name).filter((n) => live.has(n));
    const sidecars = (pod.spec?.initContainers ?? []).filter(isSidecar).map((c) => c.name).filter((n) => live.has(n));
    sidecars.forEach((name, i) => this.prerequisites.set(name, [...regular, ...sidecars.slice(i + 1)]));
  }

  /** Resolves when the containers that must stop first have stopped, or after `graceSeconds`; gives the whole seconds waited. */
  async waitForTurn(name: string, graceSeconds: number): Promise<number> {
    const before = (this.prerequisites.get(name) ?? []).map((n) => this.stopped.get(n)!.promise);
    if (before.length === 0) return 0;
    const started = this.clock();
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<void>((r) => (timer = setTimeout(r, graceSeconds * 1000)));
    await Promise.race([Promise.all(before), outOfTime]);
    clearTimeout(timer);
    return Math.floor((this.clock() - started) / 1000);
  }

  /** This container has stopped (or failed to stop: those after it must not wait for ever). */
  terminated(name: string): void {
    this.stopped.get(name)?.resolve();
  }
}
