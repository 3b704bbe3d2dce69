// A joining node's own credentials, kept under its data dir as kubeconfigs so that a restart
// reuses them. The kubelet's client certificate comes through a CertificateSigningRequest (TLS
// bootstrapping, kubelet-client-cert.ts): its key is made here and never leaves the node. The
// certificates of the components beside it (service proxy, DNS, network controllers) are traded
// for the join token at /v1-k8ts/node-credentials, as k3s's agents fetch theirs, once, and again
// when missing, for another server, or near expiry.
import { join } from 'node:path';
import { NODE_CREDENTIALS_PATH, type KeyPairPem, type NodeCredentials, type SimAgentCredentials } from '../apiserver/handlers/node-credentials.js';
import { loadKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { expiresWithin, RENEW_BEFORE_MS } from '../util/key-pair.js';
import { writeKubeconfig } from './kubeconfig.js';
import { KUBELET_KUBECONFIG, kubeletClientCredential, type KubeletCredentialOptions } from './kubelet-client-cert.js';

export interface NodeServiceClients {
  proxy: ClientConfig;
  dns: ClientConfig;
  controller: ClientConfig;
}

export interface NodeClients extends NodeServiceClients {
  kubelet: ClientConfig;
}

export interface JoinedNode extends NodeClients {
  /** Stops renewing the kubelet's certificate. */
  stop(): void;
}

const SERVICE_FILES = { proxy: 'kube-proxy.kubeconfig', dns: 'coredns.kubeconfig', controller: 'k8ts-controller.kubeconfig' } as const;

/** A kept credential still good for this server: a certificate that is not near expiry. */
const usable = (c: ClientConfig, server: string): boolean => c.server === server && !!c.certPem && !!c.keyPem && !expiresWithin(c.certPem, RENEW_BEFORE_MS);

function keptServices(dir: string, server: string): NodeServiceClients | undefined {
  try {
    const out = Object.fromEntries(Object.entries(SERVICE_FILES).map(([k, f]) => [k, loadKubeconfig(join(dir, f))])) as unknown as NodeServiceClients;
    return Object.values(out).every((c: ClientConfig) => usable(c, server)) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Writes one key pair as a kubeconfig and returns it as a client config. */
function keep(file: string, server: string, ca: string, pair: KeyPairPem, name: string): ClientConfig {
  writeKubeconfig(file, { server, caPem: ca, certPem: pair.cert, keyPem: pair.key, name });
  return { server, caPem: ca, certPem: pair.cert, keyPem: pair.key };
}

/** Writes the service credentials as kubeconfigs under `dir` and returns them as client configs. */
function keepServiceCredentials(dir: string, server: string, creds: NodeCredentials): NodeServiceClients {
  const out: Partial<NodeServiceClients> = {};
  for (const [k, f] of Object.entries(SERVICE_FILES) as [keyof NodeServiceClients, string][]) out[k] = keep(join(dir, f), server, creds.ca, creds[k], k);
  return out as NodeServiceClients;
}

/**
 * The server's own node: its kubelet certificate is issued by the server that holds the CA
 * (as k3s's server issues its local agent's), the rest as a joined node keeps them.
 */
export function keepNodeCredentials(dir: string, server: string, creds: NodeCredentials, kubelet: KeyPairPem): NodeClients {
  return { ...keepServiceCredentials(dir, server, creds), kubelet: keep(join(dir, KUBELET_KUBECONFIG), server, creds.ca, kubelet, 'kubelet') };
}

/** Trades the join token for credentials at the server's node-credentials endpoint. */
async function fetchCredentials<T>(bootstrap: ClientConfig, body: object): Promise<T> {
  const client = new RestClient(bootstrap, 'k8ts-agent-join');
  try {
    return await client.request<T>('POST', NODE_CREDENTIALS_PATH, { body });
  } finally {
    client.close();
  }
}

/**
 * The node's credentials under `dir` (the agent's cred folder): the kubelet's through TLS
 * bootstrapping (renewed while the agent runs, unless `rotate` is false), the others fetched
 * with the join token when needed.
 */
export async function nodeClients(dir: string, bootstrap: ClientConfig, nodeName: string, o: KubeletCredentialOptions = {}): Promise<JoinedNode> {
  const services = keptServices(dir, bootstrap.server) ?? keepServiceCredentials(dir, bootstrap.server, await fetchCredentials<NodeCredentials>(bootstrap, { nodeName }));
  const kubelet = await kubeletClientCredential(dir, bootstrap, nodeName, o);
  return { ...services, kubelet: kubelet.config, stop: kubelet.stop };
}

/** An agent of simulated nodes: one credential for all its nodes, fetched with the join token when needed. */
export async function simAgentClient(dir: string, bootstrap: ClientConfig): Promise<ClientConfig> {
  const file = join(dir, 'k8ts-sim-agent.kubeconfig');
  try {
    const have = loadKubeconfig(file);
    if (usable(have, bootstrap.server)) return have;
  } catch {
    // None kept yet (or unreadable): fetch one.
  }
  const { ca, agent } = await fetchCredentials<SimAgentCredentials>(bootstrap, { simAgent: true });
  return keep(file, bootstrap.server, ca, agent, 'sim-agent');
}
