// `k8ts controller-manager`: every controller, on its own, against any API server in a kubeconfig.
import { loadKubeconfig } from '../client/kubeconfig.js';
import { startControllerManager } from '../controllers/manager.js';
import { boolFlag, durationFlag, fail, kubeconfigPath, log, parseFlags, untilSignalled, withBareBooleans } from './flags.js';
import { runMaybeElected } from './leader.js';

const HELP = `Run the k8ts controller manager.

Usage:
  k8ts controller-manager [flags]

Flags:
      --kubeconfig FILE     Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
      --leader-elect        Compete for the kube-system/kube-controller-manager lease; run controllers only while holding it
      --node-monitor-grace-period D  How long a node may be silent before it is marked Unknown (default 50s)
      --service-account-private-key-file FILE  PEM key to sign service-account token Secrets with (the API server's
                            <data-dir>/tls/service-account.key); without it such Secrets stay empty
      --use-service-account-credentials[=BOOL]  Run each controller with a bound token of its own kube-system
                            ServiceAccount (and its system:controller:* role); default false, as kube-controller-manager
  -v, --verbose             Log controller errors
  -h, --help                Show this help
`;

export async function runControllerManagerCommand(args: string[]): Promise<number> {
  const values = parseFlags(withBareBooleans(args, ['use-service-account-credentials']), { kubeconfig: { type: 'string' }, 'leader-elect': { type: 'boolean' }, 'node-monitor-grace-period': { type: 'string' }, 'service-account-private-key-file': { type: 'string' }, 'use-service-account-credentials': { type: 'string' }, verbose: { type: 'boolean', short: 'v' } }, HELP);
  if (typeof values === 'number') return values;
  let gracePeriodMs: number | undefined;
  let useServiceAccountCredentials: boolean;
  try {
    gracePeriodMs = durationFlag('node-monitor-grace-period', values['node-monitor-grace-period']);
    useServiceAccountCredentials = boolFlag('use-service-account-credentials', values['use-service-account-credentials'], false);
  } catch (err) {
    return fail((err as Error).message);
  }
  const config = loadKubeconfig(kubeconfigPath(values.kubeconfig));
  const controllerLog = values.verbose ? log : () => undefined;
  const lock = values['leader-elect'] ? 'kube-controller-manager' : undefined;
  const options = {
    rootCaPem: config.caPem,
    nodeLifecycle: gracePeriodMs === undefined ? undefined : { nodeMonitorGracePeriodMs: gracePeriodMs },
    serviceAccountPrivateKeyFile: values['service-account-private-key-file'],
    useServiceAccountCredentials,
  };
  const running = runMaybeElected(config, lock, 'controllers', () => startControllerManager(config, controllerLog, options));
  log(`controller manager started against ${config.server}`);
  await untilSignalled();
  await running.stop();
  return 0;
}
