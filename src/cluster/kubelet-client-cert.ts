// The kubelet's client certificate through TLS bootstrapping, as kubeadm's nodes get theirs: the
// agent makes the key, asks with the bootstrap credential (the join token, group
// system:bootstrappers) for a kube-apiserver-client-kubelet certificate for
// system:node:<name> in system:nodes, and waits until csrapproving approves it (the token's
// holders may create certificatesigningrequests/nodeclient) and csrsigning issues it. The pair
// is kept as <dir>/kubelet.kubeconfig; with rotation it is renewed before expiry through a new
// request made as the node itself (selfnodeclient), or with the bootstrap credential again once
// it has expired, as the kubelet's certificate manager does.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { CertificateManager } from '../client/certificate-manager.js';
import type { CertificateTemplate, WaitOptions } from '../client/csr.js';
import { loadKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import type { KeyPair } from '../util/key-pair.js';
import { subjectNames } from '../util/pki.js';
import { writeKubeconfig } from './kubeconfig.js';

export const KUBELET_KUBECONFIG = 'kubelet.kubeconfig';

export interface KubeletCredentialOptions {
  /** Renew before expiry (`k8ts agent --rotate-certificates`, default true). */
  rotate?: boolean;
  log?: (line: string) => void;
  /** How long to wait for the first certificate (default 15 minutes). */
  wait?: WaitOptions;
}

export interface KubeletCredential {
  /** The kubelet's client config; it always presents the newest certificate. */
  config: ClientConfig;
  stop(): void;
}

export const kubeletClientTemplate = (nodeName: string): CertificateTemplate => ({
  signerName: 'kubernetes.io/kube-apiserver-client-kubelet',
  // ECDSA keys: no key encipherment, as the kubelet asks since 1.27.
  usages: ['digital signature', 'client auth'],
  subject: { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] },
});

const valid = (pem: string, now = Date.now()) => {
  const c = new X509Certificate(pem);
  return now >= Date.parse(c.validFrom) && now < Date.parse(c.validTo);
};

/** The kept pair, when it is this node's, for this server, and not expired. */
function keptPair(file: string, server: string, nodeName: string): KeyPair | undefined {
  try {
    const c = loadKubeconfig(file);
    if (c.server !== server || !c.certPem || !c.keyPem) return undefined;
    if (subjectNames(c.certPem).commonName !== `system:node:${nodeName}` || !valid(c.certPem)) return undefined;
    return { cert: c.certPem, key: c.keyPem };
  } catch {
    return undefined;
  }
}

export async function kubeletClientCredential(dir: string, bootstrap: ClientConfig, nodeName: string, o: KubeletCredentialOptions = {}): Promise<KubeletCredential> {
  const file = join(dir, KUBELET_KUBECONFIG);
  const server = bootstrap.server;
  const keep = (pair: KeyPair) => writeKubeconfig(file, { server, caPem: bootstrap.caPem ?? '', certPem: pair.cert, keyPem: pair.key, name: 'kubelet' });
  let pair = keptPair(file, server, nodeName);
  const manager = new CertificateManager(
    {
      template: kubeletClientTemplate(nodeName),
      client: (current) => {
        // As the node while its certificate holds; the bootstrap credential otherwise.
        const own = current && valid(current.cert) ? { server, caPem: bootstrap.caPem, certPem: current.cert, keyPem: current.key } : bootstrap;
        const client = new RestClient(own, 'k8ts-agent-tls-bootstrap');
        return { client, close: () => client.close() };
      },
      onRotate: (next) => {
        keep(next);
        pair = next;
      },
      log: o.log,
      wait: o.wait,
    },
    pair,
  );
  if (!pair) {
    o.log?.(`TLS bootstrap: asking ${server} for the client certificate of system:node:${nodeName}`);
    pair = await manager.rotate();
  }
  if (o.rotate ?? true) manager.start();
  const current = () => ({ certPem: pair!.cert, keyPem: pair!.key });
  return {
    config: { server, caPem: bootstrap.caPem, ...current(), certSource: current },
    stop: () => manager.stop(),
  };
}
