// The commands that act on a running server's etcd member (`k8ts etcd-snapshot`, `k8ts etcd
// member`) reach it as the API server does: on loopback, with the client certificate kept in the
// data dir. Where it listens is what the server wrote when its member became healthy.
import { existsSync, readFileSync } from 'node:fs';
import { EtcdClient } from '../../storage/etcd/client.js';
import { etcdPkiFiles } from './pki.js';
import { localMemberFile, type LocalMember } from './process.js';

export function readLocalMember(dataDir: string): LocalMember {
  const file = localMemberFile(dataDir);
  if (!existsSync(file)) throw new Error(`${dataDir} holds no embedded etcd member (no ${file}): is this the data dir of a server started with --cluster-init or --server?`);
  return JSON.parse(readFileSync(file, 'utf8')) as LocalMember;
}

/** A client of this data dir's member (the caller closes it). */
export function localEtcdClient(dataDir: string, member: LocalMember = readLocalMember(dataDir)): EtcdClient {
  const pki = etcdPkiFiles(dataDir);
  return new EtcdClient({ endpoints: [member.endpoint], tls: { ca: readFileSync(pki.caFile), cert: readFileSync(pki.clientCertFile), key: readFileSync(pki.clientKeyFile) }, callTimeoutMs: 15_000 });
}
