// The cluster CA and the API server's serving certificate, created on first start and kept in
// the data dir.
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expiresWithin, readKeyPair, writeKeyPair, type KeyPair } from '../util/key-pair.js';
import { createCa, issueCert, subjectAltNames } from '../util/pki.js';

export interface ServerPki {
  ca: KeyPair;
  serving: KeyPair;
}

/** k3s renews its server certificates at start when they expire within 90 days (the CA lasts 10 years). */
export const SERVER_CERT_RENEW_BEFORE_MS = 90 * 24 * 3600 * 1000;

const readPair = (dir: string, base: string): KeyPair | undefined => readKeyPair(join(dir, `${base}.crt`), join(dir, `${base}.key`));
const writePair = (dir: string, base: string, pair: KeyPair): void => writeKeyPair(join(dir, `${base}.crt`), join(dir, `${base}.key`), pair);

/**
 * Load or create the CA and serving certificate under `<dataDir>/tls`. The serving certificate
 * is reissued when it no longer covers the wanted names or expires within 90 days; the CA is kept.
 */
export async function ensureServerPki(dataDir: string, dnsNames: readonly string[], ips: readonly string[]): Promise<ServerPki> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readPair(dir, 'server-ca');
  if (!ca) {
    ca = await createCa(`k8ts-server-ca@${Math.floor(Date.now() / 1000)}`);
    writePair(dir, 'server-ca', ca);
  }
  let serving = readPair(dir, 'serving-kube-apiserver');
  const covers = (p: KeyPair) => {
    const san = subjectAltNames(p.cert);
    // Issued by this CA: a server that joined a cluster has taken the cluster's CA over its own.
    const issued = new X509Certificate(p.cert).checkIssued(new X509Certificate(ca!.cert));
    return issued && dnsNames.every((d) => san.dns.includes(d)) && ips.every((i) => san.ips.includes(i)) && !expiresWithin(p.cert, SERVER_CERT_RENEW_BEFORE_MS);
  };
  if (!serving || !covers(serving)) {
    serving = await issueCert(ca, { commonName: 'kube-apiserver', dnsNames, ips, usage: 'server' });
    writePair(dir, 'serving-kube-apiserver', serving);
  }
  return { ca, serving };
}

export interface FrontProxyPki {
  /** Signs only the front-proxy client: extension servers trust it for request headers, nothing else. */
  ca: KeyPair;
  client: KeyPair;
}

/**
 * The aggregation layer's front-proxy CA and client certificate (kubeadm's front-proxy-ca and
 * front-proxy-client), a CA of their own: a certificate from the cluster CA must not be able to
 * assert a user to an extension server through headers.
 */
/**
 * A joining server takes the cluster's front-proxy CA: extension servers trust one CA for request
 * headers (kube-system/extension-apiserver-authentication), whichever server proxies to them.
 * Its client certificate is then issued anew at start.
 */
export function writeFrontProxyCa(dataDir: string, ca: KeyPair): void {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writePair(dir, 'request-header-ca', ca);
}

export async function ensureFrontProxyPki(dataDir: string): Promise<FrontProxyPki> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = readPair(dir, 'request-header-ca');
  if (!ca) {
    ca = await createCa(`k8ts-request-header-ca@${Math.floor(Date.now() / 1000)}`);
    writePair(dir, 'request-header-ca', ca);
  }
  let client = readPair(dir, 'client-auth-proxy');
  const fits = (p: KeyPair) => new X509Certificate(p.cert).checkIssued(new X509Certificate(ca!.cert)) && !expiresWithin(p.cert, SERVER_CERT_RENEW_BEFORE_MS);
  if (!client || !fits(client)) {
    client = await issueCert(ca, { commonName: 'front-proxy-client', usage: 'client' });
    writePair(dir, 'client-auth-proxy', client);
  }
  return { ca, client };
}
