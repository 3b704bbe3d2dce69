// `k8ts scheduler`: the scheduler on its own, against any API server in a kubeconfig.
import { loadKubeconfig } from '../client/kubeconfig.js';
import { loadSchedulerConfig, type SchedulerConfig } from '../scheduler/config.js';
import { DEFAULT_SCHEDULER_NAME } from '../scheduler/scheduler.js';
import { startScheduler } from '../scheduler/run.js';
import { fail, kubeconfigPath, log, parseFlags, untilSignalled } from './flags.js';
import { runMaybeElected } from './leader.js';

const HELP = `Run the k8ts scheduler.

Usage:
  k8ts scheduler [flags]

Flags:
      --kubeconfig FILE                 Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --config FILE                     A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): one profile, its
                                        PodTopologySpread defaultConstraints/defaultingType; flags given override it
      --scheduler-name NAME             Schedule the pods whose spec.schedulerName is NAME (default ${DEFAULT_SCHEDULER_NAME})
      --leader-elect                    Compete for the kube-system/kube-scheduler lease; schedule only while holding it
      --percentage-of-nodes-to-score N  Feasible nodes to find, in percent of all nodes (default 0: adaptive)
  -v, --verbose                         Log scheduling errors
  -h, --help                            Show this help
`;

export async function runSchedulerCommand(args: string[]): Promise<number> {
  const values = parseFlags(
    args,
    {
      kubeconfig: { type: 'string' },
      config: { type: 'string' },
      'scheduler-name': { type: 'string' },
      'leader-elect': { type: 'boolean' },
      'percentage-of-nodes-to-score': { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
    HELP,
  );
  if (typeof values === 'number') return values;
  let file: SchedulerConfig = { options: {} };
  try {
    if (values.config) file = loadSchedulerConfig(values.config);
  } catch (err) {
    return fail((err as Error).message);
  }
  const pct = values['percentage-of-nodes-to-score'] ? Number(values['percentage-of-nodes-to-score']) : (file.options.percentageOfNodesToScore ?? 0);
  if (!Number.isFinite(pct) || pct < 0 || pct > 100) return fail(`invalid --percentage-of-nodes-to-score "${values['percentage-of-nodes-to-score']}"`);
  const config = loadKubeconfig(kubeconfigPath(values.kubeconfig));
  const opts = { ...file.options, schedulerName: values['scheduler-name'] ?? file.options.schedulerName ?? DEFAULT_SCHEDULER_NAME, percentageOfNodesToScore: pct, log: values.verbose ? log : undefined };
  const lock = (values['leader-elect'] ?? file.leaderElect) ? 'kube-scheduler' : undefined;
  const running = runMaybeElected(config, lock, 'scheduling', () => startScheduler(config, opts));
  log(`scheduler "${opts.schedulerName}" started against ${config.server}`);
  await untilSignalled();
  await running.stop();
  return 0;
}
