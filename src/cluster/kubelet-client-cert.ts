// The identity the API server presents to kubelets (kube-apiserver's --kubelet-client-certificate):
// issued by the cluster CA, kept in the data dir beside the other certificates, reissued when it
// nears expiry.
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expiresWithin, readKeyPair, RENEW_BEFORE_MS, writeKeyPair, type KeyPair } from '../util/key-pair.js';
import { issueCert } from '../util/pki.js';

export const KUBELET_CLIENT_CN = 'kube-apiserver-kubelet-client';

function usable(pair: KeyPair, ca: KeyPair): boolean {
  try {
    return new X509Certificate(pair.cert).checkIssued(new X509Certificate(ca.cert)) && !expiresWithin(pair.cert, RENEW_BEFORE_MS);
  } catch {
    return false;
  }
}

export async function ensureKubeletClientCert(dataDir: string, ca: KeyPair): Promise<KeyPair> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'client-kube-apiserver-kubelet.crt');
  const keyPath = join(dir, 'client-kube-apiserver-kubelet.key');
  const existing = readKeyPair(certPath, keyPath);
  if (existing && usable(existing, ca)) return existing;
  const pair = await issueCert(ca, { commonName: KUBELET_CLIENT_CN, organization: 'system:masters', usage: 'client' });
  writeKeyPair(certPath, keyPath, pair);
  return pair;
}
