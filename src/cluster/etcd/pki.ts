// The embedded etcd's certificates, as k3s keeps them under server/tls/etcd: a CA of their own
// (shared by every member: a joining server receives it), each member's serving and peer
// certificates for its own addresses, and the client certificate the API server presents.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expiresWithin, readKeyPair, writeKeyPair, type KeyPair } from '../../util/key-pair.js';
import { createCa, issueCert, subjectAltNames } from '../../util/pki.js';
import { SERVER_CERT_RENEW_BEFORE_MS } from '../pki.js';

export interface EtcdPkiFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  peerCertFile: string;
  peerKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

export const etcdTlsDir = (dataDir: string): string => join(dataDir, 'tls', 'etcd');

export function etcdPkiFiles(dataDir: string): EtcdPkiFiles {
  const d = etcdTlsDir(dataDir);
  return {
    caFile: join(d, 'server-ca.crt'),
    serverCertFile: join(d, 'server-client.crt'),
    serverKeyFile: join(d, 'server-client.key'),
    peerCertFile: join(d, 'peer-server-client.crt'),
    peerKeyFile: join(d, 'peer-server-client.key'),
    clientCertFile: join(d, 'client.crt'),
    clientKeyFile: join(d, 'client.key'),
  };
}

/** The etcd CA of this data dir, when there is one (a joining server writes the cluster's first). */
export function readEtcdCa(dataDir: string): KeyPair | undefined {
  const d = etcdTlsDir(dataDir);
  return readKeyPair(join(d, 'server-ca.crt'), join(d, 'server-ca.key'));
}

export function writeEtcdCa(dataDir: string, ca: KeyPair): void {
  mkdirSync(etcdTlsDir(dataDir), { recursive: true, mode: 0o700 });
  writeKeyPair(join(etcdTlsDir(dataDir), 'server-ca.crt'), join(etcdTlsDir(dataDir), 'server-ca.key'), ca);
}

/** Creates what is missing or stale: the CA (unless given by the cluster), and this member's certificates for `ips`. */
export async function ensureEtcdPki(dataDir: string, name: string, ips: readonly string[]): Promise<EtcdPkiFiles> {
  const files = etcdPkiFiles(dataDir);
  let ca = readEtcdCa(dataDir);
  if (!ca) {
    ca = await createCa(`etcd-server-ca@${Math.floor(Date.now() / 1000)}`);
    writeEtcdCa(dataDir, ca);
  }
  const hosts = ['127.0.0.1', ...ips.filter((i) => i !== '127.0.0.1')];
  const fresh = (p: KeyPair | undefined, wantIps: readonly string[]) => !!p && !expiresWithin(p.cert, SERVER_CERT_RENEW_BEFORE_MS) && wantIps.every((i) => subjectAltNames(p.cert).ips.includes(i));
  const ensure = async (cert: string, key: string, make: () => Promise<KeyPair>, wantIps: readonly string[]) => {
    if (!fresh(readKeyPair(cert, key), wantIps)) writeKeyPair(cert, key, await make());
  };
  await ensure(files.serverCertFile, files.serverKeyFile, () => issueCert(ca, { commonName: name, dnsNames: ['localhost', name], ips: hosts, usage: 'both' }), hosts);
  await ensure(files.peerCertFile, files.peerKeyFile, () => issueCert(ca, { commonName: name, dnsNames: ['localhost', name], ips: hosts, usage: 'both' }), hosts);
  await ensure(files.clientCertFile, files.clientKeyFile, () => issueCert(ca, { commonName: 'etcd-client', usage: 'client' }), []);
  return files;
}
