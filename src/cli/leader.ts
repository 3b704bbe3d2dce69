// Running a component either at once or only while holding its kube-system Lease, as
// kube-scheduler and kube-controller-manager do with --leader-elect.
import { hostname } from 'node:os';
import type { ClientConfig } from '../client/kubeconfig.js';
import { runLeaderElection } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { log } from './flags.js';

export interface Running {
  stop(): void | Promise<void>;
}

/** Run `start` until the returned stop is called; with a lock name, only while leading. */
export function runMaybeElected(config: ClientConfig, lock: string | undefined, what: string, start: () => Running): { stop(): Promise<void> } {
  if (!lock) {
    const running = start();
    return { stop: async () => void (await running.stop()) };
  }
  const client = new RestClient(config, `k8ts-${lock}-leader-election`);
  const identity = `${hostname()}_${process.pid}`;
  let running: Running | undefined;
  const election = runLeaderElection(
    client,
    { namespace: 'kube-system', name: lock, identity },
    {
      onStartedLeading: () => {
        log(`leader election: ${identity} became the leader; starting ${what}`);
        running = start();
      },
      onStoppedLeading: () => {
        log(`leader election: lost the lease; stopping ${what}`);
        void running?.stop();
        running = undefined;
      },
    },
  );
  return {
    async stop() {
      await election.stop();
      await running?.stop();
      client.close();
    },
  };
}
