// The kubelet's serving certificate, self-signed as upstream's kubelet makes one when it is given
// none: a CA of its own (`<node>-ca@<time>`) signs a leaf for the node's names and addresses, and
// both live in the agent's data dir so a restart keeps them. Reissued when the node's addresses
// change or expiry nears. (The API server does not verify it, as kube-apiserver without
// --kubelet-certificate-authority does not.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createCa, issueCert, subjectAltNames, type KeyPair } from '../../cluster/pki.js';

const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

function covers(pair: KeyPair, dns: readonly string[], ips: readonly string[]): boolean {
  try {
    const san = subjectAltNames(pair.cert);
    const notAfter = new X509Certificate(pair.cert).validTo;
    return dns.every((d) => san.dns.includes(d)) && ips.every((i) => san.ips.includes(i)) && Date.parse(notAfter) - Date.now() > RENEW_BEFORE_MS;
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
  if (existsSync(certPath) && existsSync(keyPath)) {
    const pair = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
    if (covers(pair, dns, wantedIps)) return pair;
  }
  const stamp = Math.floor(Date.now() / 1000);
  const ca = await createCa(`${nodeName}-ca@${stamp}`);
  const leaf = await issueCert(ca, { commonName: `${nodeName}@${stamp}`, dnsNames: dns, ips: wantedIps, usage: 'server', days: 365 });
  const pair = { cert: leaf.cert + ca.cert, key: leaf.key };
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  return pair;
}
