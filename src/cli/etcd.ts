// `k8ts etcd member list|remove NAME`: the embedded etcd's membership, through the member of the
// server whose data dir it is given (that server must be running).
import { defaultDataDir } from '../cluster/control-plane.js';
import { localEtcdClient, readLocalMember } from '../cluster/etcd/local.js';
import { hexId, memberTable, removeMember } from '../cluster/etcd/members.js';
import { fail, parseFlagsAndArgs } from './flags.js';

const HELP = `Manage the members of the embedded etcd (servers started with --cluster-init or --server).

Usage:
  k8ts etcd member list                List the members (the one marked * is this server's)
  k8ts etcd member remove NAME         Remove a member: a server taken out of the cluster, or gone for good

NAME is the member's name or ID (as member list shows them), or its server's address. Run it on a
server that stays; the removed server no longer starts on its old member: to bring it back, remove its
<data-dir>/db and start it with --server and --token, as a new member.

Flags:
      --data-dir DIR               This server's data dir (default ~/.k8ts, /var/lib/k8ts as root)
  -h, --help                       Show this help
`;

function print(table: string[][]): void {
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()}\n`);
}

export async function runEtcd(args: string[]): Promise<number> {
  const [group, sub, ...rest] = args;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h' || ((sub === undefined || sub === '--help' || sub === '-h') && group === 'member')) {
    process.stdout.write(HELP);
    return group === undefined || sub === undefined ? 1 : 0;
  }
  if (group !== 'member') return fail(`unknown etcd command "${group}": member list or member remove NAME`);
  const flags = parseFlagsAndArgs(rest, { 'data-dir': { type: 'string' } }, HELP);
  if (typeof flags === 'number') return flags;
  const dataDir = flags.values['data-dir'] ?? defaultDataDir();
  let local;
  let client;
  try {
    local = readLocalMember(dataDir);
    client = localEtcdClient(dataDir, local);
  } catch (err) {
    return fail((err as Error).message);
  }
  try {
    switch (sub) {
      case 'list':
      case 'ls':
        if (flags.positionals.length) return fail('member list takes no arguments');
        print(memberTable((await client.memberList()).members, local.name));
        return 0;
      case 'remove':
      case 'rm': {
        if (flags.positionals.length !== 1) return fail('member remove takes one member: its name or ID (k8ts etcd member list)');
        const { removed, left } = await removeMember(client, flags.positionals[0]!, local.name);
        process.stdout.write(`Member ${hexId(removed.ID)} (${removed.name || 'unstarted'}, ${removed.peerURLs.join(',')}) removed; ${left.length} member${left.length === 1 ? '' : 's'} left: ${left.map((m) => m.name || hexId(m.ID)).join(', ')}\n`);
        return 0;
      }
      default:
        return fail(`unknown etcd member command "${sub}": list or remove NAME`);
    }
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    client.close();
  }
}
