// Client certificates issued by the cluster CA and kept in the data dir: the API server's own
// identity towards kubelets and every component's identity towards the API server (upstream's
// names: CN the user, O the groups). Reissued when the CA, the subject or the expiry no longer fit.
import { X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from '../client/kubeconfig.js';
import { expiresWithin, readKeyPair, writeKeyPair, type KeyPair } from '../util/key-pair.js';
import { SERVER_CERT_RENEW_BEFORE_MS } from './pki.js';
import { issueCert, subjectNames } from '../util/pki.js';
import { writeKubeconfig } from './kubeconfig.js';

export interface ClientIdentity {
  /** File base name under <data-dir>/tls (client-<file>.crt/.key). */
  file: string;
  user: string;
  groups?: readonly string[];
}

/** The API server towards kubelets (--kubelet-client-certificate), bound to system:kubelet-api-admin. */
export const KUBELET_CLIENT: ClientIdentity = { file: 'kube-apiserver-kubelet', user: 'kube-apiserver-kubelet-client' };
export const SCHEDULER: ClientIdentity = { file: 'scheduler', user: 'system:kube-scheduler' };
export const CONTROLLER_MANAGER: ClientIdentity = { file: 'controller', user: 'system:kube-controller-manager' };
export const KUBE_PROXY: ClientIdentity = { file: 'kube-proxy', user: 'system:kube-proxy' };
/** The cluster DNS runs as the kube-system/coredns service account, as k3s's CoreDNS does. */
export const CLUSTER_DNS: ClientIdentity = { file: 'coredns', user: 'system:serviceaccount:kube-system:coredns', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] };
/**
 * The node's network controllers that read the whole cluster (NetworkPolicy enforcement, the
 * ingress controller), as k3s runs its network policy controller as system:k3s-controller: a
 * kubelet's identity may not list Secrets or NetworkPolicies, and should not.
 */
export const K8TS_CONTROLLER: ClientIdentity = { file: 'k8ts-controller', user: 'system:k8ts-controller' };
/** The built-in metrics server, as the kube-system/metrics-server ServiceAccount upstream's manifest runs it under. */
export const METRICS_SERVER: ClientIdentity = { file: 'metrics-server', user: 'system:serviceaccount:kube-system:metrics-server', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] };
/** An agent of simulated nodes: one identity for all its nodes, bound to system:k8ts:sim-agent. */
export const SIM_AGENT: ClientIdentity = { file: 'k8ts-sim-agent', user: 'system:k8ts:sim-agent' };
/** A kubelet: system:node:<name> in system:nodes, what the Node authorizer recognises. */
export const nodeIdentity = (nodeName: string): ClientIdentity => ({ file: `kubelet-${nodeName}`, user: `system:node:${nodeName}`, groups: ['system:nodes'] });

function fits(pair: KeyPair, ca: KeyPair, id: ClientIdentity): boolean {
  try {
    const { commonName, organizations } = subjectNames(pair.cert);
    const same = commonName === id.user && organizations.join('\n') === (id.groups ?? []).join('\n');
    return same && new X509Certificate(pair.cert).checkIssued(new X509Certificate(ca.cert)) && !expiresWithin(pair.cert, SERVER_CERT_RENEW_BEFORE_MS);
  } catch {
    return false;
  }
}

export function issueClientCert(ca: KeyPair, id: ClientIdentity): Promise<KeyPair> {
  return issueCert(ca, { commonName: id.user, organization: id.groups, usage: 'client' });
}

/** The identity's certificate under <dir>, issued or reissued as needed. */
export async function ensureClientCert(dir: string, ca: KeyPair, id: ClientIdentity): Promise<KeyPair> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, `client-${id.file}.crt`);
  const keyPath = join(dir, `client-${id.file}.key`);
  const existing = readKeyPair(certPath, keyPath);
  if (existing && fits(existing, ca, id)) return existing;
  const pair = await issueClientCert(ca, id);
  writeKeyPair(certPath, keyPath, pair);
  return pair;
}

/**
 * A component's credential: its certificate under <dataDir>/tls and a kubeconfig for it at
 * <dataDir>/cred/<file>.kubeconfig (k3s keeps the same under server/cred/), which the separate
 * `k8ts scheduler|controller-manager|proxy|dns --kubeconfig` processes are given.
 */
export async function componentCredential(dataDir: string, ca: KeyPair, id: ClientIdentity, server: string): Promise<ClientConfig> {
  const pair = await ensureClientCert(join(dataDir, 'tls'), ca, id);
  const config: ClientConfig = { server, caPem: ca.cert, certPem: pair.cert, keyPem: pair.key };
  writeKubeconfig(join(dataDir, 'cred', `${id.file}.kubeconfig`), { server, caPem: ca.cert, certPem: pair.cert, keyPem: pair.key, name: id.file });
  return config;
}
