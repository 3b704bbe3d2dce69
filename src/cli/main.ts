#!/usr/bin/env node
// k8ts: one binary, a subcommand per component, k3s's flag names. Each subcommand's module
// is loaded only when it runs, so a process carries the code of what it does and no more.

const USAGE = `k8ts - Kubernetes, written in TypeScript

Usage:
  k8ts up [flags]        Start a local cluster in the background (server and this machine's node) and wait for it
  k8ts down [--purge]    Stop it (and its pods); --purge also removes its state and network
  k8ts status            Show whether it runs
  k8ts server [flags]    Run the control plane (API server, storage; node agent when available)
  k8ts agent [flags]     Run a node agent (--runtime sim: simulated nodes)
  k8ts scheduler [flags] Run the scheduler against an API server
  k8ts controller-manager [flags]
                         Run the controllers against an API server
  k8ts dns [flags]       Run the cluster DNS of this node
  k8ts proxy [flags]     Run a node's service proxy (nftables or iptables; --cleanup removes its rules)
  k8ts image import FILE... | ls
                         Load image tarballs into the node's containerd; list its images
  k8ts token create | list | delete | generate
                         Manage the bootstrap tokens nodes join with
  k8ts etcd-snapshot save | ls | delete | prune
                         Snapshots of the embedded etcd (restore: k8ts server --cluster-reset --cluster-reset-restore-path)
  k8ts etcd member list | remove NAME
                         The embedded etcd's members; remove a server's member when the server is gone
  k8ts secrets-encrypt status | rotate-keys
                         Show or rotate the key Secrets are encrypted with at rest
  k8ts help              Show this help

Run 'k8ts <command> --help' for the flags of a command.
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'up':
      return (await import('./up.js')).runUp(rest);
    case 'down':
      return (await import('./up.js')).runDown(rest);
    case 'status':
      return (await import('./up.js')).runStatus(rest);
    case 'server':
      return (await import('./server.js')).runServer(rest);
    case 'agent':
      return (await import('./agent.js')).runAgent(rest);
    case 'scheduler':
      return (await import('./scheduler.js')).runSchedulerCommand(rest);
    case 'controller-manager':
      return (await import('./controller-manager.js')).runControllerManagerCommand(rest);
    case 'dns':
      return (await import('./dns.js')).runDnsCommand(rest);
    case 'proxy':
      return (await import('./proxy.js')).runProxyCommand(rest);
    case 'image':
      return (await import('./image.js')).runImage(rest);
    case 'token':
      return (await import('./token.js')).runToken(rest);
    case 'etcd-snapshot':
      return (await import('./etcd-snapshot.js')).runEtcdSnapshot(rest);
    case 'etcd':
      return (await import('./etcd.js')).runEtcd(rest);
    case 'secrets-encrypt':
      return (await import('./secrets-encrypt.js')).runSecretsEncrypt(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`error: unknown command "${cmd}" for "k8ts"\nRun 'k8ts --help' for usage.\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
