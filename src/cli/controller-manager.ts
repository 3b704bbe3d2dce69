// `k8ts controller-manager`: every controller, on its own, against any API server in a kubeconfig.
import { loadKubeconfig } from '../client/kubeconfig.js';
import { startControllerManager } from '../controllers/manager.js';
import { kubeconfigPath, log, parseFlags, untilSignalled } from './flags.js';
import { runMaybeElected } from './leader.js';

const HELP = `Run the k8ts controller manager.

Usage:
  k8ts controller-manager [flags]

Flags:
      --kubeconfig FILE     Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --leader-elect        Compete for the kube-system/kube-controller-manager lease; run controllers only while holding it
  -v, --verbose             Log controller errors
  -h, --help                Show this help
`;

export async function runControllerManagerCommand(args: string[]): Promise<number> {
  const values = parseFlags(args, { kubeconfig: { type: 'string' }, 'leader-elect': { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' } }, HELP);
  if (typeof values === 'number') return values;
  const config = loadKubeconfig(kubeconfigPath(values.kubeconfig));
  const controllerLog = values.verbose ? log : () => undefined;
  const lock = values['leader-elect'] ? 'kube-controller-manager' : undefined;
  const running = runMaybeElected(config, lock, 'controllers', () => startControllerManager(config, controllerLog, { rootCaPem: config.caPem }));
  log(`controller manager started against ${config.server}`);
  await untilSignalled();
  await running.stop();
  return 0;
}
