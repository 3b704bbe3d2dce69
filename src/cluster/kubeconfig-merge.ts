// The user's kubeconfig gains (or loses) one context, as kind and minikube edit it: a cluster, a
// user and a context of one name, replaced when they exist, everything else kept as it was.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

interface Named {
  name: string;
  [k: string]: unknown;
}

interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[] | null;
  contexts?: Named[] | null;
  users?: Named[] | null;
  'current-context'?: string;
  [k: string]: unknown;
}

/** kubectl's choice of the file it writes: the first of $KUBECONFIG, else ~/.kube/config. */
export function userKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env['KUBECONFIG'] ?? '').split(':').find(Boolean);
  return first ?? `${env['HOME'] ?? '.'}/.kube/config`;
}

function read(file: string): KubeconfigDoc {
  if (!existsSync(file)) return { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [], preferences: {} };
  const doc = parse(readFileSync(file, 'utf8')) as KubeconfigDoc | null;
  if (doc !== null && (typeof doc !== 'object' || Array.isArray(doc))) throw new Error(`${file} is not a kubeconfig`);
  return doc ?? { apiVersion: 'v1', kind: 'Config' };
}

function write(file: string, doc: KubeconfigDoc): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.k8ts-${process.pid}`;
  writeFileSync(tmp, stringify(doc), { mode: 0o600 });
  renameSync(tmp, file);
}

const without = (list: Named[] | null | undefined, name: string): Named[] => (list ?? []).filter((e) => e?.name !== name);

/**
 * Puts the one-context kubeconfig `source` (as the server writes it) into `target` under `name`
 * and makes it the current context; the other entries stay as they were.
 */
export function mergeKubeconfig(target: string, source: string, name: string): void {
  const src = parse(readFileSync(source, 'utf8')) as KubeconfigDoc;
  const ctx = src.contexts?.find((c) => c.name === src['current-context']) ?? src.contexts?.[0];
  const context = (ctx?.['context'] ?? {}) as { cluster?: string; user?: string };
  const cluster = src.clusters?.find((c) => c.name === context.cluster)?.['cluster'];
  const user = src.users?.find((u) => u.name === context.user)?.['user'];
  if (!cluster || !user) throw new Error(`${source} has no cluster and user to merge`);
  const doc = read(target);
  doc.clusters = [...without(doc.clusters, name), { name, cluster }];
  doc.users = [...without(doc.users, name), { name, user }];
  doc.contexts = [...without(doc.contexts, name), { name, context: { cluster: name, user: name } }];
  doc['current-context'] = name;
  write(target, doc);
}

/** Removes what mergeKubeconfig added; the current context is unset if it was this one. Returns whether anything was there. */
export function removeFromKubeconfig(target: string, name: string): boolean {
  if (!existsSync(target)) return false;
  const doc = read(target);
  const had = [doc.clusters, doc.users, doc.contexts].some((l) => (l ?? []).some((e) => e?.name === name));
  if (!had) return false;
  doc.clusters = without(doc.clusters, name);
  doc.users = without(doc.users, name);
  doc.contexts = without(doc.contexts, name);
  if (doc['current-context'] === name) delete doc['current-context'];
  write(target, doc);
  return true;
}
