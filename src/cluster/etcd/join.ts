// A server joining a cluster on embedded etcd (`k8ts server --server URL --token T`), as k3s's
// do: it checks the server against the token's CA hash, fetches the cluster's secrets with the
// server token (/v1-k8ts/server-bootstrap), writes them into its own data dir, adds itself to the
// etcd cluster as a new member, and then runs as every server does, on its own etcd member. A
// server that joined once restarts from its own state and asks nobody.
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { SERVER_BOOTSTRAP_PATH, type ServerBootstrap } from '../../apiserver/handlers/server-bootstrap.js';
import { RestClient } from '../../client/rest.js';
import { EtcdClient } from '../../storage/etcd/client.js';
import type { Member } from '../../storage/etcd/proto.js';
import { readFileSync } from 'node:fs';
import { writeKeyPair } from '../../util/key-pair.js';
import { writeFrontProxyCa } from '../pki.js';
import { joinBootstrap } from '../join-bootstrap.js';
import { ensureEtcdPki, writeEtcdCa, type EtcdPkiFiles } from './pki.js';
import { etcdDataDir, hasEtcdMember, startEmbeddedEtcd, url, ETCD_PEER_PORT, type EmbeddedEtcd } from './process.js';
import { checkReset, clearResetFlag, recordReset, restoreSnapshot, type ResetPlan } from './reset.js';

export interface EmbeddedEtcdPlan {
  /** The address this member advertises to peers and servers. */
  ip: string;
  /** Join the cluster of this server (with the server token) instead of starting a new one. */
  join?: { server: string; token: string };
  /** etcd's ports (default 2379 and 2380), for several servers on one host. */
  clientPort?: number;
  peerPort?: number;
  /** The API server's port, for what the log tells the other servers to rejoin with. */
  apiPort?: number;
  /** k3s's --cluster-reset (and --cluster-reset-restore-path): become a cluster of one. */
  reset?: ResetPlan;
  log?: (line: string) => void;
}

/** This member's name: the host's, made unique (k3s: <hostname>-<random>), kept with its state. */
function memberName(dataDir: string): string {
  const file = join(dirname(etcdDataDir(dataDir)), 'name');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const name = `${hostname().toLowerCase()}-${Math.random().toString(16).slice(2, 10)}`;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${name}\n`);
    return name;
  }
}

const secret = (file: string, text: string) => {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`, { mode: 0o600 });
};

/** Fetches the cluster's secrets and writes them where a server keeps its own. */
export async function takeClusterSecrets(dataDir: string, server: string, token: string): Promise<ServerBootstrap> {
  const bootstrap = await joinBootstrap({ server, token, dataDir });
  const client = new RestClient(bootstrap, 'k8ts-server-join');
  let data: ServerBootstrap;
  try {
    data = await client.request<ServerBootstrap>('POST', SERVER_BOOTSTRAP_PATH, { body: {} });
  } catch (err) {
    throw new Error(`could not join ${server}: ${(err as Error).message} (a server joins with the server token, <data-dir>/token of a server, not an agent or bootstrap token)`);
  } finally {
    client.close();
  }
  const tls = join(dataDir, 'tls');
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  writeKeyPair(join(tls, 'server-ca.crt'), join(tls, 'server-ca.key'), data.ca);
  secret(join(tls, 'service-account.key'), data.serviceAccountKey);
  if (data.etcdCa) writeEtcdCa(dataDir, data.etcdCa);
  if (data.requestHeaderCa) writeFrontProxyCa(dataDir, data.requestHeaderCa);
  secret(join(dataDir, 'cred', 'admin.token'), data.adminToken);
  secret(join(dataDir, 'cred', 'server-token.secret'), bootstrap.token!);
  return data;
}

function etcdClient(endpoints: string[], pki: EtcdPkiFiles): EtcdClient {
  return new EtcdClient({ endpoints, tls: { ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCertFile), key: readFileSync(pki.clientKeyFile) } });
}

/** Adds this member to the cluster (or finds it added by an earlier attempt); the --initial-cluster it starts with. */
async function addMember(members: ServerBootstrap['etcdMembers'], name: string, peerURL: string, pki: EtcdPkiFiles, log: (line: string) => void): Promise<string> {
  const endpoints = (members ?? []).flatMap((m) => m.clientURLs);
  if (!endpoints.length) throw new Error('the cluster named no etcd members to join (was its first server started with --cluster-init?)');
  const client = etcdClient(endpoints, pki);
  try {
    let list: Member[];
    const existing = (await client.memberList()).members;
    if (existing.some((m) => m.peerURLs.includes(peerURL))) list = existing;
    else {
      log(`etcd: adding member ${name} (${peerURL}) to the cluster`);
      list = await addRetrying(client, peerURL, log);
    }
    return list.map((m) => `${m.peerURLs.includes(peerURL) ? name : m.name}=${m.peerURLs[0]}`).join(',');
  } finally {
    client.close();
  }
}

/**
 * etcd refuses a new member while the last one added is not yet connected to every other for a
 * few seconds ("unhealthy cluster": its strict reconfiguration check), as when servers join one
 * after the other: it is asked again, for up to a minute.
 */
async function addRetrying(client: EtcdClient, peerURL: string, log: (line: string) => void): Promise<Member[]> {
  const deadline = Date.now() + 60_000;
  for (let wait = 500; ; wait = Math.min(wait * 2, 4000)) {
    try {
      return (await client.memberAdd([peerURL])).members;
    } catch (err) {
      if (!/unhealthy cluster/.test((err as Error).message) || Date.now() + wait > deadline) throw err;
      log(`etcd: the cluster does not take a new member yet (${(err as Error).message}); asking again in ${wait} ms`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/**
 * Starts this server's etcd member: a new cluster, a restart from its own state, or (the first
 * time with `join`) a new member of the cluster it joins.
 */
export async function startClusterEtcd(dataDir: string, plan: EmbeddedEtcdPlan): Promise<EmbeddedEtcd> {
  const log = plan.log ?? (() => undefined);
  const name = memberName(dataDir);
  const ports = { clientPort: plan.clientPort, peerPort: plan.peerPort };
  if (plan.reset) return resetClusterEtcd(dataDir, name, { ...plan, reset: plan.reset }, log);
  clearResetFlag(dataDir);
  if (!plan.join || hasEtcdMember(dataDir)) return startEmbeddedEtcd({ dataDir, name, ip: plan.ip, ...ports, log });
  const data = await takeClusterSecrets(dataDir, plan.join.server, plan.join.token);
  const pki = await ensureEtcdPki(dataDir, name, [plan.ip]);
  const peerURL = `https://${plan.ip.includes(':') ? `[${plan.ip}]` : plan.ip}:${plan.peerPort ?? ETCD_PEER_PORT}`;
  const initialCluster = await addMember(data.etcdMembers, name, peerURL, pki, log);
  return startEmbeddedEtcd({ dataDir, name, ip: plan.ip, initialCluster, ...ports, log });
}

async function resetClusterEtcd(dataDir: string, name: string, plan: EmbeddedEtcdPlan & { reset: ResetPlan }, log: (line: string) => void): Promise<EmbeddedEtcd> {
  checkReset(dataDir, plan.reset);
  const ports = { clientPort: plan.clientPort, peerPort: plan.peerPort };
  const restore = plan.reset.restorePath;
  let kept = '';
  if (restore) {
    const { oldDir } = await restoreSnapshot(dataDir, { snapshot: restore, name, peerURL: url(plan.ip, plan.peerPort ?? ETCD_PEER_PORT), log });
    if (oldDir) kept = `; the data it had is kept in ${oldDir}`;
  } else {
    log(`etcd: resetting member ${name}: it forgets its peers and becomes a cluster of one, keeping its data`);
  }
  const etcd = await startEmbeddedEtcd({ dataDir, name, ip: plan.ip, ...ports, forceNewCluster: !restore, log });
  recordReset(dataDir, restore);
  log(`etcd: cluster reset done: this server's member ${name} is the only one${restore ? `, with the data of ${restore}` : ''}${kept}. ` +
    'Start this server without --cluster-reset from now on. On each other server: stop it, remove its <data-dir>/db ' +
    `(rm -rf <data-dir>/db) and start it again with --server ${plan.apiPort ? `https://${plan.ip.includes(':') ? `[${plan.ip}]` : plan.ip}:${plan.apiPort}` : "<this server's URL>"} and --token to rejoin.`);
  return etcd;
}

/** The members, for a joiner's bootstrap answer. */
export async function listMembers(etcd: EmbeddedEtcd): Promise<NonNullable<ServerBootstrap['etcdMembers']>> {
  const client = etcdClient([etcd.endpoint], etcd.pki);
  try {
    return (await client.memberList()).members.map((m) => ({ name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
  } finally {
    client.close();
  }
}
