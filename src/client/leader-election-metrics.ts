// client-go's leader_election_master_status{name}: 1 while this process holds the named lease.
import { Gauge, type Registry } from 'prom-client';
import type { Running } from './leader-election.js';

export interface LeaderElectionMetrics {
  /** `start` as runWhileLeading calls it, reporting the lease held while what it started runs. */
  leading(name: string, start: () => Running): () => Running;
}

export function leaderElectionMetrics(registry: Registry, names: readonly string[]): LeaderElectionMetrics {
  const gauge = new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. \'name\' is the string used to identify the lease. Please make sure to group by name.', labelNames: ['name'], registers: [registry] });
  for (const name of names) gauge.set({ name }, 0);
  return {
    leading: (name, start) => () => {
      gauge.set({ name }, 1);
      const running = start();
      return {
        stop: () => {
          gauge.set({ name }, 0);
          return running.stop();
        },
      };
    },
  };
}
