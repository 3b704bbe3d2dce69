// `k8ts controller-manager`: every controller, on its own, against any API server in a kubeconfig.
import { readFileSync } from 'node:fs';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { startControllerManager } from '../controllers/manager.js';
import { boolFlag, durationFlag, fail, kubeconfigPath, log, parseFlags, untilSignalled, withBareBooleans } from './flags.js';
import { HPA_FLAG_OPTIONS, HPA_FLAGS_HELP, hpaFlags } from './hpa-flags.js';
import { runMaybeElected } from './leader.js';

const HELP = `Run the k8ts controller manager.

Usage:
  k8ts controller-manager [flags]

Flags:
      --cluster-signing-cert-file FILE  CA certificate csrsigning issues certificates with (the server's <data-dir>/tls/server-ca.crt)
      --cluster-signing-key-file FILE   Its private key; without both, CSRs are not signed
      --cluster-signing-duration D      Longest validity of an issued certificate (default 8760h0m0s)
${HPA_FLAGS_HELP}      --kubeconfig FILE     Kubeconfig of the API server (default $KUBECONFIG, else ~/.kube/config)
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
  const values = parseFlags(withBareBooleans(args, ['use-service-account-credentials']), { kubeconfig: { type: 'string' }, 'cluster-signing-cert-file': { type: 'string' }, 'cluster-signing-key-file': { type: 'string' }, 'cluster-signing-duration': { type: 'string' }, 'leader-elect': { type: 'boolean' }, 'node-monitor-grace-period': { type: 'string' }, 'service-account-private-key-file': { type: 'string' }, 'use-service-account-credentials': { type: 'string' }, ...HPA_FLAG_OPTIONS, verbose: { type: 'boolean', short: 'v' } }, HELP);
  if (typeof values === 'number') return values;
  let gracePeriodMs: number | undefined;
  let useServiceAccountCredentials: boolean;
  let signingDurationMs: number | undefined;
  let horizontalPodAutoscaler;
  try {
    horizontalPodAutoscaler = hpaFlags(values);
    gracePeriodMs = durationFlag('node-monitor-grace-period', values['node-monitor-grace-period']);
    signingDurationMs = durationFlag('cluster-signing-duration', values['cluster-signing-duration']);
    if (!values['cluster-signing-cert-file'] !== !values['cluster-signing-key-file']) throw new Error('--cluster-signing-cert-file and --cluster-signing-key-file go together');
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
    horizontalPodAutoscaler,
    csrSigning: values['cluster-signing-cert-file'] && values['cluster-signing-key-file'] ? { ca: { cert: readFileSync(values['cluster-signing-cert-file'], 'utf8'), key: readFileSync(values['cluster-signing-key-file'], 'utf8') }, clusterSigningDurationMs: signingDurationMs } : undefined,
  };
  const running = runMaybeElected(config, lock, 'controllers', () => startControllerManager(config, controllerLog, options));
  log(`controller manager started against ${config.server}`);
  await untilSignalled();
  await running.stop();
  return 0;
}
