// The authorizer contract and the chain of modes (kube-apiserver's --authorization-mode): each
// mode allows, denies or has no opinion; the first that decides wins, and no opinion from all
// of them is a denial.
import type { Attributes } from './attributes.js';

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizerResult {
  decision: Decision;
  reason: string;
}

export interface Authorizer {
  authorize(a: Attributes): AuthorizerResult;
}

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'] as const;
/** Default-deny, as kubeadm and k3s run kube-apiserver (its own flag default is AlwaysAllow). */
export const DEFAULT_AUTHORIZATION_MODES: readonly AuthorizationMode[] = ['Node', 'RBAC'];
export type AuthorizationMode = (typeof AUTHORIZATION_MODES)[number];

export const alwaysAllow: Authorizer = { authorize: () => ({ decision: 'allow', reason: '' }) };
export const alwaysDeny: Authorizer = { authorize: () => ({ decision: 'deny', reason: 'Everything is forbidden.' }) };

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly chain: readonly Authorizer[]) {}

  authorize(a: Attributes): AuthorizerResult {
    const reasons: string[] = [];
    for (const z of this.chain) {
      const r = z.authorize(a);
      if (r.decision !== 'no-opinion') return r;
      if (r.reason) reasons.push(r.reason);
    }
    return { decision: 'no-opinion', reason: reasons.join('\n') };
  }
}

/** A `--authorization-mode` value (comma list), checked against the modes this server has. */
export function parseAuthorizationModes(value: string): AuthorizationMode[] {
  const modes = value.split(',').map((m) => m.trim()).filter(Boolean);
  if (!modes.length) throw new Error('at least one authorization-mode must be passed');
  const seen = new Set<string>();
  for (const m of modes) {
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(m)) throw new Error(`authorization-mode "${m}" is not a valid mode (valid: ${AUTHORIZATION_MODES.join(', ')})`);
    if (seen.has(m)) throw new Error(`authorization-mode "${m}" has mode specified more than once`);
    seen.add(m);
  }
  return modes as AuthorizationMode[];
}
