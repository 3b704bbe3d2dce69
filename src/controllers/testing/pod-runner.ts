// For integration tests without nodes: plays the kubelet's part by moving every pending pod to
// Running and Ready through the pods/status subresource. Tests choose which pods get to run
// (`accept`), so they can hold a rollout back on purpose.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { Informer } from '../../client/informer.js';
import { R, resourcePath } from '../../client/resources.js';
import type { RestClient } from '../../client/rest.js';

export interface PodRunnerOptions {
  namespace?: string;
  /** Only pods this returns true for are started; default: all. */
  accept?: (pod: Pod) => boolean;
}

export class PodRunner {
  private readonly informer: Informer<Pod>;
  private readonly inFlight = new Set<string>();
  accept: (pod: Pod) => boolean;

  constructor(
    private readonly client: RestClient,
    opts: PodRunnerOptions = {},
  ) {
    this.accept = opts.accept ?? (() => true);
    this.informer = new Informer<Pod>(client, R.pods, { namespace: opts.namespace });
    this.informer.addHandlers({ add: (p) => void this.maybeRun(p), update: (_o, p) => void this.maybeRun(p) });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  stop(): void {
    this.informer.stop();
  }

  /** Look at every cached pod again (after changing `accept`). */
  recheck(): void {
    for (const p of this.informer.list()) void this.maybeRun(p);
  }

  private async maybeRun(pod: Pod): Promise<void> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Running' || this.inFlight.has(key) || !this.accept(pod)) return;
    this.inFlight.add(key);
    try {
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
      const status = {
        ...pod.status,
        phase: 'Running',
        startTime: now,
        conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
        containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
      };
      await this.client.update(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name, 'status'), { ...pod, apiVersion: 'v1', kind: 'Pod', status });
    } catch {
      // Changed meanwhile (or gone): try again with whatever the cache holds by then.
      setTimeout(() => {
        const cur = this.informer.get(key);
        if (cur) void this.maybeRun(cur);
      }, 50).unref();
    } finally {
      this.inFlight.delete(key);
    }
  }
}
