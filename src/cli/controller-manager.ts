// `k8ts controller-manager`: every controller, on its own, against any API server in a kubeconfig.
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { runLeaderElection, type LeaderElection } from '../client/leader-election.js';
import { RestClient } from '../client/rest.js';
import { startControllerManager, type ControllerManager } from '../controllers/manager.js';

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
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        kubeconfig: { type: 'string' },
        'leader-elect': { type: 'boolean' },
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
  const path = values.kubeconfig ?? process.env['KUBECONFIG'] ?? `${process.env['HOME'] ?? '.'}/.kube/config`;
  const config = loadKubeconfig(path);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const controllerLog = values.verbose ? log : () => undefined;
  const options = { rootCaPem: config.caPem };

  let running: ControllerManager | undefined;
  let election: LeaderElection | undefined;
  let electionClient: RestClient | undefined;
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  if (values['leader-elect']) {
    electionClient = new RestClient(config, 'k8ts-controller-manager-leader-election');
    const identity = `${hostname()}_${process.pid}`;
    election = runLeaderElection(
      electionClient,
      { namespace: 'kube-system', name: 'kube-controller-manager', identity },
      {
        onStartedLeading: () => {
          log(`leader election: ${identity} became the leader; starting controllers`);
          running = startControllerManager(config, controllerLog, options);
        },
        onStoppedLeading: () => {
          log('leader election: lost the lease; stopping controllers');
          running?.stop();
          running = undefined;
        },
      },
    );
  } else {
    running = startControllerManager(config, controllerLog, options);
  }
  log(`controller manager started against ${config.server}`);
  await stopped;
  await election?.stop();
  running?.stop();
  electionClient?.close();
  return 0;
}
