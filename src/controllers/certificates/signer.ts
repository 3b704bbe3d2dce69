// The csrsigning controller (kube-controller-manager's csrsigning): issues the certificates of
// approved requests for the kubernetes.io client, kubelet-client and kubelet-serving signers
// with the cluster CA (--cluster-signing-cert-file/--cluster-signing-key-file), or marks a
// request the signer cannot accept Failed. Denied, failed, unapproved and already issued
// requests, and other signers' requests, are left alone.
import { certificatePem, hasCondition, isApproved, requestPem, type CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { parseCertificateRequest } from '../../util/csr.js';
import type { KeyPair } from '../../util/key-pair.js';
import { signRequestedLeaf } from '../../util/pki.js';
import { rfc3339 } from '../../util/time.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { CSR_RESOURCE } from './resource.js';
import { certificateTtlMs, DEFAULT_CLUSTER_SIGNING_DURATION_MS, servesSigner, signerProblem, validityWindow } from './signing-policy.js';

export interface SignerOptions extends ControllerOptions {
  /** The CA that signs (the cluster CA: the API server trusts it for clients, and the kubelet serving certificates are issued by it too). */
  ca: KeyPair;
  /** --cluster-signing-duration: the longest validity issued (default one year). */
  clusterSigningDurationMs?: number;
}

export class CsrSigningController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: SignerOptions,
  ) {
    super('csrsigning', opts, 2, { baseDelayMs: 200, maxDelayMs: 30_000 });
    this.csrs = this.cache(factory.informerFor<CertificateSigningRequest>(CSR_RESOURCE));
    this.enqueueOnChange(this.csrs);
  }

  async sync(key: string): Promise<void> {
    const cached = this.csrs.get(key);
    if (!cached) return;
    if (!isApproved(cached) || hasCondition(cached, 'Failed') || certificatePem(cached)) return;
    const signer = cached.spec.signerName;
    if (!servesSigner(signer)) return;
    const csr = structuredClone(cached);
    const req = parseCertificateRequest(requestPem(csr));
    const usages = csr.spec.usages ?? [];
    const problem = signerProblem(signer, req, usages);
    const status = (csr.status ??= {});
    if (problem) {
      status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem, lastUpdateTime: rfc3339(this.now()) }];
    } else {
      const { notBefore, notAfter } = validityWindow(this.now(), certificateTtlMs(csr.spec.expirationSeconds, this.opts.clusterSigningDurationMs ?? DEFAULT_CLUSTER_SIGNING_DURATION_MS));
      const pem = await signRequestedLeaf(this.opts.ca, req, usages, notBefore, notAfter);
      status.certificate = Buffer.from(pem, 'latin1').toString('base64');
    }
    await this.client.update(resourcePath(CSR_RESOURCE, undefined, csr.metadata.name, 'status'), csr);
    this.log(`csrsigning: ${problem ? `refused ${csr.metadata.name}: ${problem}` : `issued ${csr.metadata.name} for ${req.commonName} (${signer})`}`);
  }
}
