// Starting a scheduler with its own API connection: used by `k8ts server` (in process) and by
// `k8ts scheduler`.
import type { ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

export interface RunningScheduler {
  scheduler: Scheduler;
  /** Resolves when the scheduling loop ends. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(config: ClientConfig, opts: SchedulerOptions = {}): RunningScheduler {
  const client = new RestClient(config, 'k8ts-scheduler');
  const scheduler = new Scheduler(client, opts);
  const done = scheduler.run().catch((err: unknown) => opts.log?.(`scheduler stopped: ${String(err)}`));
  return {
    scheduler,
    done,
    async stop() {
      await scheduler.stop();
      client.close();
    },
  };
}
