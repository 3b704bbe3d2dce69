// The identity the API server presents to kubelets (kube-apiserver's --kubelet-client-certificate):
// issued by the cluster CA, kept in the data dir beside the other certificates, reissued when it
// nears expiry.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCert, type KeyPair } from './pki.js';

export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function usable(pair: KeyPair, ca: KeyPair): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    return cert.checkIssued(new X509Certificate(ca.cert)) && Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false;
  }
}

export async function ensureKubeletClientCert(dataDir: string, ca: KeyPair): Promise<KeyPair> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'client-kube-apiserver-kubelet.crt');
  const keyPath = join(dir, 'client-kube-apiserver-kubelet.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const pair = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    if (usable(pair, ca)) return pair;
  }
  const pair = await issueCert(ca, { commonName: KUBELET_CLIENT_CN, organization: 'system:masters', usage: 'client' });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  return pair;
}
