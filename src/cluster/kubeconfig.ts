// Kubeconfig files, in the shape kubectl and the client libraries read.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  token: string;
  name?: string;
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const name = spec.name ?? 'default';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user: { token: spec.token } }],
  });
}

export function writeKubeconfig(file: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderKubeconfig(spec), { mode: 0o600 });
}
