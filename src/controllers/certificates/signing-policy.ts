// What the csrsigning controller does with one approved request, as upstream's
// pkg/controller/certificates/signer: which signers it serves, whether a request fits the
// signer (or fails with SignerValidationFailure), and the validity it gets:
// min(expirationSeconds, --cluster-signing-duration), at least 10 minutes, backdated 5 minutes
// (long-lived certificates lose those minutes at the end, short-lived ones do not).
import { SIGNERS } from '../../api/certificates/v1/types.js';
import { apiServerClientProblem, kubeletClientProblem, kubeletServingProblem } from '../../api/certificates/v1/kubelet-csr.js';
import type { CertificateRequest } from '../../util/csr.js';

export const DEFAULT_CLUSTER_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;
const MIN_DURATION_MS = 10 * 60 * 1000;
const BACKDATE_MS = 5 * 60 * 1000;
const SHORT_MS = 8 * 3600 * 1000;

/** The signers served here; kubernetes.io/legacy-unknown, and every other, is never signed. */
const VALIDATORS: Record<string, (req: CertificateRequest, usages: readonly string[]) => string | undefined> = {
  [SIGNERS.kubeAPIServerClient]: (_req, usages) => apiServerClientProblem(usages),
  [SIGNERS.kubeAPIServerClientKubelet]: kubeletClientProblem,
  [SIGNERS.kubeletServing]: kubeletServingProblem,
};

export function servesSigner(signerName: string): boolean {
  return signerName in VALIDATORS;
}

/** Why the signer refuses the request (the Failed condition's message), or undefined. */
export function signerProblem(signerName: string, req: CertificateRequest, usages: readonly string[]): string | undefined {
  return VALIDATORS[signerName]?.(req, usages);
}

/** upstream's signer.duration: the request's expirationSeconds, capped by the signing duration, floored at 10 minutes. */
export function certificateTtlMs(expirationSeconds: number | undefined, clusterSigningDurationMs: number): number {
  if (expirationSeconds === undefined || expirationSeconds === null) return clusterSigningDurationMs;
  const requested = expirationSeconds * 1000;
  if (requested > clusterSigningDurationMs) return clusterSigningDurationMs;
  return Math.max(requested, MIN_DURATION_MS);
}

export function validityWindow(now: number, ttlMs: number): { notBefore: number; notAfter: number } {
  return { notBefore: now - BACKDATE_MS, notAfter: ttlMs < SHORT_MS ? now + ttlMs : now + ttlMs - BACKDATE_MS };
}
