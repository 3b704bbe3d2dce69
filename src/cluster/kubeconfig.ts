// Kubeconfig files, in the shape kubectl and the client libraries read.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  /** A bearer token, or a client certificate and its key. */
  token?: string;
  certPem?: string;
  keyPem?: string;
  name?: string;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const name = spec.name ?? 'default';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: spec.server, 'certificate-authority-data': b64(spec.caPem) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
    users: [{ name, user: spec.certPem && spec.keyPem ? { 'client-certificate-data': b64(spec.certPem), 'client-key-data': b64(spec.keyPem) } : { token: spec.token } }],
  });
}

export function writeKubeconfig(file: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderKubeconfig(spec), { mode: 0o600 });
}
