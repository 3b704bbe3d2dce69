// A joining node's own credentials: the agent trades the join token for them once
// (POST /v1-k8ts/node-credentials) and keeps them under its data dir as kubeconfigs, so a
// restart reuses them; they are fetched again only when missing, for another server or node, or
// near expiry.
import { join } from 'node:path';
import type { NodeCredentials, SimAgentCredentials } from '../apiserver/handlers/node-credentials.js';
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

function kept(dir: string, server: string, nodeName: string): NodeClients | undefined {
  try {
    const out = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, loadKubeconfig(join(dir, f))])) as unknown as NodeClients;
    const ok = Object.values(out).every((c: ClientConfig) => c.server === server && c.certPem && c.keyPem && !expiresWithin(c.certPem, RENEW_BEFORE_MS));
    return ok && subjectNames(out.kubelet.certPem!).commonName === `system:node:${nodeName}` ? out : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the credentials as kubeconfigs under `dir` and returns them as client configs. */
export function keepNodeCredentials(dir: string, server: string, creds: NodeCredentials): NodeClients {
  const out: Partial<NodeClients> = {};
  for (const [k, f] of Object.entries(FILES) as [keyof NodeClients, string][]) {
    const pair = creds[k];
    writeKubeconfig(join(dir, f), { server, caPem: creds.ca, certPem: pair.cert, keyPem: pair.key, name: k });
    out[k] = { server, caPem: creds.ca, certPem: pair.cert, keyPem: pair.key };
  }
  return out as NodeClients;
}

/** The node's credentials under `dir` (the agent's cred folder), fetched with the join token when needed. */
export async function nodeClients(dir: string, bootstrap: ClientConfig, nodeName: string): Promise<NodeClients> {
  const have = kept(dir, bootstrap.server, nodeName);
  if (have) return have;
  const client = new RestClient(bootstrap, 'k8ts-agent-join');
  try {
    const creds = await client.request<NodeCredentials>('POST', '/v1-k8ts/node-credentials', { body: { nodeName } });
    return keepNodeCredentials(dir, bootstrap.server, creds);
  } finally {
    client.close();
  }
}

/** An agent of simulated nodes: one credential for all its nodes, fetched with the join token when needed. */
export async function simAgentClient(dir: string, bootstrap: ClientConfig): Promise<ClientConfig> {
  const file = join(dir, 'k8ts-sim-agent.kubeconfig');
  try {
    const have = loadKubeconfig(file);
    if (have.server === bootstrap.server && have.certPem && !expiresWithin(have.certPem, RENEW_BEFORE_MS)) return have;
  } catch {
    // None kept yet (or unreadable): fetch one.
  }
  const client = new RestClient(bootstrap, 'k8ts-agent-join');
  try {
    const { ca, agent } = await client.request<SimAgentCredentials>('POST', '/v1-k8ts/node-credentials', { body: { simAgent: true } });
    writeKubeconfig(file, { server: bootstrap.server, caPem: ca, certPem: agent.cert, keyPem: agent.key, name: 'sim-agent' });
    return { server: bootstrap.server, caPem: ca, certPem: agent.cert, keyPem: agent.key };
  } finally {
    client.close();
  }
}
