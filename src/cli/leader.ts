// Running a component either at once or only while holding its kube-system Lease, as
// kube-scheduler and kube-controller-manager do with --leader-elect.
import { hostname } from 'node:os';
import type { ClientConfig } from '../client/kubeconfig.js';
import { runWhileLeading, type Running } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { log } from './flags.js';

/** Run `start` until the returned stop is called; with a lock name, only while leading. */
export function runMaybeElected(config: ClientConfig, lock: string | undefined, what: string, start: () => Running): { stop(): Promise<void> } {
  if (!lock) {
    const running = start();
    return { stop: async () => void (await running.stop()) };
  }
  const client = new RestClient(config, `k8ts-${lock}-leader-election`);
  return runWhileLeading(client, { namespace: 'kube-system', name: lock, identity: `${hostname()}_${process.pid}` }, what, start, log);
}
