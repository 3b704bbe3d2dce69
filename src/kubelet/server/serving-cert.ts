// The kubelet's serving certificate, self-signed as upstream's kubelet makes one when it is given
// none: a CA of its own (`<node>-ca@<time>`) signs a leaf for the node's names and addresses, and
// both live in the agent's data dir so a restart keeps them. Reissued when the node's addresses
// change or expiry nears. (The API server does not verify it, as kube-apiserver without
// --kubelet-certificate-authority does not.) The certificates are made in a worker thread: the
// X.509 library costs some 15 MB that a long-running agent should not keep for a one-off job.
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expiresWithin, readKeyPair, RENEW_BEFORE_MS, writeKeyPair, type KeyPair } from '../../util/key-pair.js';

function covers(pair: KeyPair, dns: readonly string[], ips: readonly string[]): boolean {
  try {
    const names = (new X509Certificate(pair.cert).subjectAltName ?? '').split(', ');
    return dns.every((d) => names.includes(`DNS:${d}`)) && ips.every((i) => names.includes(`IP Address:${i}`)) && !expiresWithin(pair.cert, RENEW_BEFORE_MS);
  } catch {
    return false;
  }
}

/** Loads or creates `<dir>/kubelet.crt` (leaf then its CA) and `<dir>/kubelet.key`. */
export async function ensureKubeletServingCert(dir: string, nodeName: string, ips: readonly string[]): Promise<KeyPair> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, 'kubelet.crt');
  const keyPath = join(dir, 'kubelet.key');
  const wantedIps = [...new Set(ips.filter((i) => i))];
  const dns = [...new Set([nodeName, 'localhost'])];
  const existing = readKeyPair(certPath, keyPath);
  if (existing && covers(existing, dns, wantedIps)) return existing;
  const pair = await issueInWorker({ nodeName, dns, ips: wantedIps });
  writeKeyPair(certPath, keyPath, pair);
  return pair;
}

function issueInWorker(request: { nodeName: string; dns: string[]; ips: string[] }): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./serving-cert-worker.js', import.meta.url), { workerData: request });
    worker.once('message', (pair: KeyPair) => resolve(pair));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`kubelet certificate worker exited with code ${code}`)));
  });
}
