// Reading a kubeconfig: the current context's server, CA and credential.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ClientConfig {
  server: string;
  caPem?: string;
  token?: string;
  /**
   * Asked for the bearer token at every request, for credentials that rotate (bound
   * service-account tokens); wins over `token`.
   */
  tokenSource?: () => string | undefined;
  certPem?: string;
  keyPem?: string;
  /**
   * Asked for the client certificate at every request, for certificates that rotate (a
   * kubelet's); wins over certPem/keyPem. A new certificate takes new connections.
   */
  certSource?: () => { certPem: string; keyPem: string };
  insecureSkipTlsVerify?: boolean;
}

interface Named<T> {
  name: string;
  [k: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

function fromData(data: unknown, file: unknown): string | undefined {
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string') return readFileSync(file, 'utf8');
  return undefined;
}

export function loadKubeconfig(path: string, contextName?: string): ClientConfig {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const contexts = (doc['contexts'] as Named<Record<string, string>>[] | undefined) ?? [];
  const want = contextName ?? (doc['current-context'] as string | undefined);
  const ctx = contexts.find((c) => c.name === want)?.context ?? contexts[0]?.context;
  if (!ctx) throw new Error(`kubeconfig ${path} has no context${want ? ` "${want}"` : ''}`);
  const cluster = ((doc['clusters'] as Named<Record<string, unknown>>[] | undefined) ?? []).find((c) => c.name === ctx['cluster'])?.cluster;
  const user = ((doc['users'] as Named<Record<string, unknown>>[] | undefined) ?? []).find((u) => u.name === ctx['user'])?.user ?? {};
  if (!cluster || typeof cluster['server'] !== 'string') throw new Error(`kubeconfig ${path}: cluster "${ctx['cluster']}" has no server`);
  return {
    server: cluster['server'],
    caPem: fromData(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    token: typeof user['token'] === 'string' ? user['token'] : undefined,
    certPem: fromData(user['client-certificate-data'], user['client-certificate']),
    keyPem: fromData(user['client-key-data'], user['client-key']),
  };
}
