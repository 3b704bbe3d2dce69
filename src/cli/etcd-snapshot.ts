// `k8ts etcd-snapshot save|ls|delete|prune`: k3s's command, on the embedded etcd member of the
// server whose data dir it is given (the server must be running for save).
import { defaultDataDir } from '../cluster/control-plane.js';
import { localEtcdClient } from '../cluster/etcd/local.js';
import { defaultSnapshotDir, deleteSnapshot, listSnapshots, ON_DEMAND_NAME, pruneSnapshots, saveSnapshot } from '../cluster/etcd/snapshot.js';
import { countFlag, fail, parseFlagsAndArgs } from './flags.js';

const HELP = `Manage snapshots of the embedded etcd (servers started with --cluster-init or --server).

Usage:
  k8ts etcd-snapshot save [--name NAME]      Save a snapshot of the running server's etcd member
  k8ts etcd-snapshot ls                      List the snapshots (also: list, l)
  k8ts etcd-snapshot delete NAME...          Delete snapshots
  k8ts etcd-snapshot prune [--snapshot-retention N] [--name NAME]
                                             Delete all but the newest N snapshots named NAME-… (default 5, on-demand)

Snapshots are <snapshot-dir>/<name>-<node>-<unix time>, what etcdctl snapshot save writes; restore one with
  k8ts server --cluster-reset --cluster-reset-restore-path=FILE

Flags:
      --data-dir DIR               The server's data dir (default ~/.k8ts, /var/lib/k8ts as root)
      --etcd-snapshot-dir DIR      Where snapshots are (default <data-dir>/db/snapshots); also --dir
      --name NAME                  Base name of the snapshot (default on-demand)
      --snapshot-retention N       prune: how many to keep (default 5); also --etcd-snapshot-retention
  -h, --help                       Show this help
`;

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

export async function runEtcdSnapshot(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const flags = parseFlagsAndArgs(
    rest,
    {
      'data-dir': { type: 'string' },
      'etcd-snapshot-dir': { type: 'string' },
      dir: { type: 'string' },
      name: { type: 'string' },
      'snapshot-retention': { type: 'string' },
      'etcd-snapshot-retention': { type: 'string' },
    },
    HELP,
  );
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return sub === undefined ? 1 : 0;
  }
  if (typeof flags === 'number') return flags;
  const { values: parsed, positionals } = flags;
  const dataDir = parsed['data-dir'] ?? defaultDataDir();
  const dir = parsed['etcd-snapshot-dir'] ?? parsed.dir ?? defaultSnapshotDir(dataDir);
  switch (sub) {
    case 'save': {
      if (positionals.length) return fail(`save takes no arguments (the name is --name): ${positionals.join(' ')}`);
      let client;
      try {
        client = localEtcdClient(dataDir);
      } catch (err) {
        return fail((err as Error).message);
      }
      let shown = Date.now();
      try {
        const s = await saveSnapshot({
          client,
          dir,
          name: parsed.name,
          progress: (bytes) => {
            if (Date.now() - shown < 1000) return;
            shown = Date.now();
            process.stderr.write(`received ${mib(bytes)}\n`);
          },
        });
        process.stdout.write(`Snapshot ${s.name} saved: ${s.path}, ${mib(s.size)} (${s.size} bytes, sha256 verified) in ${s.seconds.toFixed(1)} s\n`);
        return 0;
      } catch (err) {
        return fail(`snapshot failed: ${(err as Error).message}`);
      } finally {
        client.close();
      }
    }
    case 'ls':
    case 'list':
    case 'l': {
      const rows = listSnapshots(dir).map((s) => [s.name, String(s.size), s.created.toISOString().replace(/\.\d{3}Z$/, 'Z')]);
      const table = [['NAME', 'SIZE', 'CREATED'], ...rows];
      const widths = [0, 1].map((i) => Math.max(...table.map((r) => r[i]!.length)));
      for (const r of table) process.stdout.write(`${r[0]!.padEnd(widths[0]! + 3)}${r[1]!.padEnd(widths[1]! + 3)}${r[2]}\n`);
      return 0;
    }
    case 'delete':
    case 'rm': {
      const names = positionals;
      if (names.length === 0) return fail('delete needs the name of a snapshot (k8ts etcd-snapshot ls)');
      try {
        for (const n of names) process.stdout.write(`Removed snapshot ${deleteSnapshot(dir, n)}\n`);
      } catch (err) {
        return fail((err as Error).message);
      }
      return 0;
    }
    case 'prune': {
      let retention: number;
      try {
        retention = countFlag('snapshot-retention', parsed['snapshot-retention'] ?? parsed['etcd-snapshot-retention']) ?? 5;
      } catch (err) {
        return fail((err as Error).message);
      }
      if (retention < 1) return fail('--snapshot-retention must be at least 1');
      const removed = pruneSnapshots(dir, parsed.name ?? ON_DEMAND_NAME, retention);
      for (const s of removed) process.stdout.write(`Removed snapshot ${s.path}\n`);
      process.stdout.write(`${removed.length} snapshot${removed.length === 1 ? '' : 's'} pruned, newest ${retention} of ${parsed.name ?? ON_DEMAND_NAME}-… kept\n`);
      return 0;
    }
    default:
      return fail(`unknown etcd-snapshot command "${sub}": save, ls, delete or prune`);
  }
}
