// Certificates for a TLS etcd in tests: a CA, a server certificate for 127.0.0.1/localhost, and a
// client certificate, written as PEM files into a directory.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCa, issueCert } from '../../../util/pki.js';

export interface EtcdPkiFiles {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

export async function writeEtcdPki(dir: string, name = 'etcd'): Promise<EtcdPkiFiles> {
  const ca = await createCa(`${name}-ca`);
  const server = await issueCert(ca, { commonName: `${name}-server`, dnsNames: ['localhost'], ips: ['127.0.0.1'], usage: 'both' });
  const client = await issueCert(ca, { commonName: 'kube-apiserver-etcd-client', usage: 'client' });
  const files: EtcdPkiFiles = {
    caFile: join(dir, `${name}-ca.pem`),
    serverCertFile: join(dir, `${name}-server.pem`),
    serverKeyFile: join(dir, `${name}-server-key.pem`),
    clientCertFile: join(dir, `${name}-client.pem`),
    clientKeyFile: join(dir, `${name}-client-key.pem`),
  };
  writeFileSync(files.caFile, ca.cert);
  writeFileSync(files.serverCertFile, server.cert);
  writeFileSync(files.serverKeyFile, server.key, { mode: 0o600 });
  writeFileSync(files.clientCertFile, client.cert);
  writeFileSync(files.clientKeyFile, client.key, { mode: 0o600 });
  return files;
}
