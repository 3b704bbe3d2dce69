// `k8ts scheduler`: the scheduler on its own, against any API server in a kubeconfig.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { runLeaderElection, type LeaderElection } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { DEFAULT_SCHEDULER_NAME } from '../scheduler/scheduler.js';
import { startScheduler, type RunningScheduler } from '../scheduler/run.js';

const HELP = `Run the k8ts scheduler.

Usage:
  k8ts scheduler [flags]

Flags:
      --kubeconfig FILE                 Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --scheduler-name NAME             Schedule the pods whose spec.schedulerName is NAME (default ${DEFAULT_SCHEDULER_NAME})
      --leader-elect                    Compete for the kube-system/kube-scheduler lease; schedule only while holding it
      --percentage-of-nodes-to-score N  Feasible nodes to find, in percent of all nodes (default 0: adaptive)
  -v, --verbose                         Log scheduling errors
  -h, --help                            Show this help
`;

export async function runSchedulerCommand(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        'scheduler-name': { type: 'string' },
        'leader-elect': { type: 'boolean' },
        'percentage-of-nodes-to-score': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const pct = values['percentage-of-nodes-to-score'] ? Number(values['percentage-of-nodes-to-score']) : 0;
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) {
    process.stderr.write(`error: invalid --percentage-of-nodes-to-score "${values['percentage-of-nodes-to-score']}"\n`);
    return 1;
  }
  const path = values.kubeconfig ?? process.env['KUBECONFIG'] ?? `${process.env['HOME'] ?? '.'}/.kube/config`;
  const config = loadKubeconfig(path);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const opts = { schedulerName: values['scheduler-name'] ?? DEFAULT_SCHEDULER_NAME, percentageOfNodesToScore: pct, log: values.verbose ? log : undefined };

  let running: RunningScheduler | undefined;
  let election: LeaderElection | undefined;
  let electionClient: RestClient | undefined;
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (values['leader-elect']) {
    electionClient = new RestClient(config, 'k8ts-scheduler-leader-election');
    const identity = `${hostname()}_${process.pid}`;
    election = runLeaderElection(
      electionClient,
      { namespace: 'kube-system', name: 'kube-scheduler', identity },
      {
        onStartedLeading: () => {
          log(`leader election: ${identity} became the leader; scheduling`);
          running = startScheduler(config, opts);
        },
        onStoppedLeading: () => {
          log('leader election: lost the lease; stopping');
          void running?.stop();
          running = undefined;
        },
      },
    );
  } else {
    running = startScheduler(config, opts);
  }
  log(`scheduler "${opts.schedulerName}" started against ${config.server}`);
  await stopped;
  await election?.stop();
  await running?.stop();
  electionClient?.close();
  return 0;
}
