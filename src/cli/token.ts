// `k8ts token create|list|delete|generate`, as k3s's (and kubeadm's) token commands: bootstrap
// tokens that let a node join until they expire. `create` prints the full token, with the
// cluster CA's hash, so `k8ts agent --server URL --token T` needs nothing else.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Secret } from '../api/core/v1/types.js';
import { isNotFound } from '../client/errors.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX } from '../apiserver/auth/bootstrap-token.js';
import { bootstrapTokenSecret, DEFAULT_TOKEN_TTL_MS, describeBootstrapToken, generateBootstrapToken, splitBootstrapToken } from '../cluster/bootstrap-tokens.js';
import { defaultDataDir } from '../cluster/control-plane.js';
import { formatJoinToken, parseJoinToken } from '../cluster/join-token.js';
import { durationFlag, fail } from './flags.js';

const HELP = `Manage bootstrap tokens: what a node joins with (k8ts agent --server URL --token TOKEN).

Usage:
  k8ts token create [TOKEN] [flags]   Create a token (random unless given) and print it, with the CA hash
  k8ts token list [flags]             List the tokens
  k8ts token delete TOKEN|ID... [flags]
                                      Delete tokens
  k8ts token generate                 Print a random token without creating it

Flags:
      --ttl DURATION          How long the token is valid, 0 for ever (default 24h0m0s)
      --description TEXT      A human-readable description of the token
      --usages LIST           signing,authentication (default both)
      --groups LIST           Extra groups the token authenticates as (default system:bootstrappers:k8ts:default-node-token)
      --kubeconfig FILE       Admin credentials (default <data-dir>/kubeconfig.yaml)
      --data-dir DIR          The server's data dir (default ~/.k8ts, /var/lib/k8ts as root)
  -h, --help                  Show this help
`;

const FLAGS = {
  ttl: { type: 'string' },
  description: { type: 'string' },
  usages: { type: 'string' },
  groups: { type: 'string' },
  kubeconfig: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** kubeadm's table: tabwriter with cells at least 10 wide and 3 spaces of padding. */
function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 10, c.length + 3)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('') + '\n').join('');
}

/** Go's duration.ShortHumanDuration, as kubeadm prints a token's TTL. */
export function shortHumanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  if (s < 365 * 24 * 3600) return `${Math.floor(s / 86400)}d`;
  return `${Math.floor(s / (365 * 86400))}y`;
}

const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((x) => x.trim()).filter(Boolean));

export async function runToken(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(HELP);
    return sub === undefined ? 1 : 0;
  }
  if (sub === 'generate') {
    process.stdout.write(`${generateBootstrapToken()}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...FLAGS, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    return fail((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let config;
  try {
    config = loadKubeconfig(values.kubeconfig ?? join(dataDir, 'kubeconfig.yaml'));
  } catch (err) {
    return fail(`no admin credentials: ${(err as Error).message} (is the server running with this --data-dir? or give --kubeconfig)`);
  }
  const client = new RestClient(config, 'k8ts-token');
  try {
    switch (sub) {
      case 'create':
        return await create(client, config.caPem, positionals, values);
      case 'list':
        return await listTokens(client);
      case 'delete':
        return await remove(client, positionals);
      default:
        return fail(`unknown token command "${sub}": create, list, delete or generate`);
    }
  } catch (err) {
    return fail((err as Error).message);
  } finally {
    client.close();
  }
}

async function create(client: RestClient, caPem: string | undefined, positionals: string[], values: { ttl?: string; description?: string; usages?: string; groups?: string }): Promise<number> {
  if (positionals.length > 1) return fail('create takes at most one token');
  if (!caPem) return fail('the kubeconfig has no certificate-authority-data, so the token could carry no CA hash');
  const token = positionals[0] ?? generateBootstrapToken();
  const ttl = durationFlag('ttl', values.ttl);
  const secret = bootstrapTokenSecret({ token, ttlMs: ttl ?? DEFAULT_TOKEN_TTL_MS, description: values.description, usages: list(values.usages), groups: list(values.groups) });
  await client.create(resourcePath(R.secrets, 'kube-system'), secret);
  process.stdout.write(`${formatJoinToken(caPem, token)}\n`);
  return 0;
}

async function listTokens(client: RestClient): Promise<number> {
  const secrets = await client.get<{ items: Secret[] }>(`${resourcePath(R.secrets, 'kube-system')}?fieldSelector=${encodeURIComponent('type=bootstrap.kubernetes.io/token')}`);
  const rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
  const now = Date.now();
  for (const s of secrets.items) {
    const t = describeBootstrapToken(s);
    if (!t) continue;
    const ttl = t.expires ? shortHumanDuration(Date.parse(t.expires) - now) : '<forever>';
    rows.push([t.token, ttl, t.expires ?? '<never>', t.usages.join(','), t.description || '<none>', t.groups.join(',')]);
  }
  process.stdout.write(rows.length > 1 ? table(rows) : 'no bootstrap tokens\n');
  return 0;
}

async function remove(client: RestClient, positionals: string[]): Promise<number> {
  if (!positionals.length) return fail('delete needs a token or a token id');
  for (const arg of positionals) {
    const bare = parseJoinToken(arg).bearer;
    const id = /^[a-z0-9]{6}$/.test(bare) ? bare : splitBootstrapToken(bare).id;
    try {
      await client.delete(resourcePath(R.secrets, 'kube-system', `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`));
    } catch (err) {
      if (isNotFound(err)) return fail(`bootstrap token "${id}" not found`);
      throw err;
    }
    process.stdout.write(`bootstrap token "${id}" deleted\n`);
  }
  return 0;
}
