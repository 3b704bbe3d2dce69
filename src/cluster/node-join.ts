// A joining node's own credentials: the agent trades the join token for them once
// (POST /v1-k8ts/node-credentials) and keeps them under its data dir as kubeconfigs, so a
// restart reuses them; they are fetched again only when missing, for another server or node, or
// near expiry.
import { join } from 'node:path';
import { NODE_CREDENTIALS_PATH, type KeyPairPem, type NodeCredentials, type SimAgentCredentials } from '../apiserver/handlers/node-credentials.js';
import { loadKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest.js';
import { expiresWithin, RENEW_BEFORE_MS } from '../util/key-pair.js';
import { subjectNames } from '../util/pki.js';
import { writeKubeconfig } from './kubeconfig.js';

export interface NodeClients {
  kubelet: ClientConfig;
  proxy: ClientConfig;
  dns: ClientConfig;
  controller: ClientConfig;
}

const FILES = { kubelet: 'kubelet.kubeconfig', proxy: 'kube-proxy.kubeconfig', dns: 'coredns.kubeconfig', controller: 'k8ts-controller.kubeconfig' } as const;

/** A kept credential still good for this server: a certificate that is not near expiry. */
const usable = (c: ClientConfig, server: string): boolean => c.server === server && !!c.certPem && !!c.keyPem && !expiresWithin(c.certPem, RENEW_BEFORE_MS);

function kept(dir: string, server: string, nodeName: string): NodeClients | undefined {
  try {
    const out = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, loadKubeconfig(join(dir, f))])) as unknown as NodeClients;
    const ok = Object.values(out).every((c: ClientConfig) => usable(c, server));
    return ok && subjectNames(out.kubelet.certPem!).commonName === `system:node:${nodeName}` ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Writes one key pair as a kubeconfig and returns it as a client config. */
function keep(file: string, server: string, ca: string, pair: KeyPairPem, name: string): ClientConfig {
  writeKubeconfig(file, { server, caPem: ca, certPem: pair.cert, keyPem: pair.key, name });
  return { server, caPem: ca, certPem: pair.cert, keyPem: pair.key };
}

/** Writes the credentials as kubeconfigs under `dir` and returns them as client configs. */
export function keepNodeCredentials(dir: string, server: string, creds: NodeCredentials): NodeClients {
  const out: Partial<NodeClients> = {};
  for (const [k, f] of Object.entries(FILES) as [keyof NodeClients, string][]) out[k] = keep(join(dir, f), server, creds.ca, creds[k], k);
  return out as NodeClients;
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

/** The node's credentials under `dir` (the agent's cred folder), fetched with the join token when needed. */
export async function nodeClients(dir: string, bootstrap: ClientConfig, nodeName: string): Promise<NodeClients> {
  const have = kept(dir, bootstrap.server, nodeName);
  if (have) return have;
  return keepNodeCredentials(dir, bootstrap.server, await fetchCredentials<NodeCredentials>(bootstrap, { nodeName }));
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
