// Bootstrap tokens as kubeadm keeps them (`kubeadm token create|list|delete`): a
// bootstrap.kubernetes.io/token Secret in kube-system per token, which the API server's
// bootstrap-token authenticator reads. k8ts's tokens carry kubeadm's default extra group under
// its own name, so RBAC can tell joiners with a bootstrap token from holders of the server token.
import { randomInt } from 'node:crypto';
import type { Secret } from '../api/core/v1/types.js';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../apiserver/auth/bootstrap-token.js';

export const DEFAULT_TOKEN_GROUPS = ['system:bootstrappers:k8ts:default-node-token'];
export const DEFAULT_TOKEN_USAGES = ['signing', 'authentication'];
export const DEFAULT_TOKEN_TTL_MS = 24 * 3600 * 1000;
const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const USAGES = new Set(['signing', 'authentication']);

const random = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** A new `<id>.<secret>` token (kubeadm token generate). */
export function generateBootstrapToken(): string {
  return `${random(6)}.${random(16)}`;
}

/** The id and secret of a token; a one-line error for anything else. */
export function splitBootstrapToken(token: string): { id: string; secret: string } {
  const m = TOKEN.exec(token);
  if (!m) throw new Error(`the bootstrap token "${token}" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"`);
  return { id: m[1]!, secret: m[2]! };
}

export interface BootstrapTokenSpec {
  token: string;
  /** 0: never expires. */
  ttlMs: number;
  usages?: string[];
  groups?: string[];
  description?: string;
}

export function bootstrapTokenSecret(spec: BootstrapTokenSpec, now = Date.now()): Secret {
  const { id, secret } = splitBootstrapToken(spec.token);
  const usages = spec.usages ?? DEFAULT_TOKEN_USAGES;
  for (const u of usages) if (!USAGES.has(u)) throw new Error(`invalid bootstrap token usage "${u}": signing or authentication`);
  const groups = spec.groups ?? DEFAULT_TOKEN_GROUPS;
  for (const g of groups) if (!/^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/.test(g)) throw new Error(`invalid extra group "${g}": it must match system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]`);
  const data: Record<string, string> = { 'token-id': id, 'token-secret': secret };
  if (spec.description) data['description'] = spec.description;
  if (spec.ttlMs > 0) data['expiration'] = new Date(now + spec.ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const u of usages) data[`usage-bootstrap-${u}`] = 'true';
  if (groups.length) data['auth-extra-groups'] = groups.join(',');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${id}`, namespace: 'kube-system' },
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    stringData: data,
  };
}

export interface BootstrapTokenInfo {
  token: string;
  expires?: string;
  usages: string[];
  description: string;
  groups: string[];
}

/** What `token list` shows of a bootstrap-token Secret; undefined for a Secret that is not one. */
export function describeBootstrapToken(s: Secret): BootstrapTokenInfo | undefined {
  if (s.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return undefined;
  const field = (k: string) => (s.data?.[k] === undefined ? undefined : Buffer.from(s.data[k]!, 'base64').toString('utf8'));
  const id = field('token-id');
  const secret = field('token-secret');
  if (!id || !secret) return undefined;
  return {
    token: `${id}.${secret}`,
    expires: field('expiration'),
    usages: [...USAGES].filter((u) => field(`usage-bootstrap-${u}`) === 'true').sort(),
    description: field('description') ?? '',
    groups: (field('auth-extra-groups') ?? '').split(',').filter(Boolean),
  };
}
