// The csrapproving controller (kube-controller-manager's csrapproving, plus the kubelet-serving
// approval of recognize.ts): approves what it recognizes, through the approval subresource with
// reason AutoApproved, and never anything else; what it does not approve waits for a person
// (`kubectl certificate approve|deny`). Requests already approved, denied or issued are left alone.
import { certificatePem, hasCondition, requestPem, type CertificateSigningRequest } from '../../api/certificates/v1/types.js';
import { nodeNameOfUser } from '../../api/certificates/v1/kubelet-csr.js';
import type { Node } from '../../api/core/v1/types.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { parseCertificateRequest } from '../../util/csr.js';
import { rfc3339 } from '../../util/time.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { clientRecognitions, namesBelongToNode, servingRequestNode, type SarRecognition } from './recognize.js';
import { CSR_RESOURCE } from './resource.js';

const SAR_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

export class CsrApprovingController extends QueueController {
  private readonly csrs: Informer<CertificateSigningRequest>;
  private readonly nodes: Informer<Node>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    opts: ControllerOptions = {},
  ) {
    super('csrapproving', opts, 2, { baseDelayMs: 200, maxDelayMs: 30_000 });
    this.csrs = this.cache(factory.informerFor<CertificateSigningRequest>(CSR_RESOURCE));
    this.nodes = this.cache(factory.informerFor<Node>(R.nodes));
    this.enqueueOnChange(this.csrs);
    // A serving request may come before its Node shows its addresses: look again when the Node changes.
    const requeueFor = (node: Node) => {
      for (const csr of this.csrs.list()) if (nodeNameOfUser(csr.spec?.username) === node.metadata.name) this.queue.add(keyOf(csr));
    };
    this.nodes.addHandlers({ add: requeueFor, update: (_old, cur) => requeueFor(cur) });
  }

  async sync(key: string): Promise<void> {
    const csr = this.csrs.get(key);
    if (!csr || certificatePem(csr) || hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return;
    let req;
    try {
      req = parseCertificateRequest(requestPem(csr));
    } catch {
      return; // Validation let it in, so this cannot happen; nothing to approve either way.
    }
    const tried: string[] = [];
    for (const r of clientRecognitions(csr, req)) {
      tried.push(r.subresource);
      if (await this.allowed(csr, r)) return this.approve(csr, r.message);
    }
    if (tried.length) {
      this.log(`csrapproving: recognized ${csr.metadata.name} as [${tried.join(' ')}] but subject access review was not approved`);
      return;
    }
    const nodeName = servingRequestNode(csr, req);
    if (!nodeName) return;
    const node = this.nodes.get(nodeName);
    if (!node) return; // The node handler looks again once it registers.
    const problem = namesBelongToNode(req, node);
    if (problem) {
      this.log(`csrapproving: not approving kubelet serving request ${csr.metadata.name}: ${problem}`);
      return;
    }
    return this.approve(csr, `Auto approving kubelet serving certificate of node ${nodeName}: its names are the node's own.`);
  }

  /** A SubjectAccessReview for the requester, as upstream's sarApprover.authorize. */
  private async allowed(csr: CertificateSigningRequest, r: SarRecognition): Promise<boolean> {
    const s = csr.spec;
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: s.username,
        uid: s.uid,
        groups: s.groups,
        extra: s.extra,
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource: r.subresource, version: '*' },
      },
    };
    const answer = await this.client.create<{ status?: { allowed?: boolean } }>(SAR_PATH, review);
    return answer.status?.allowed === true;
  }

  private async approve(cached: CertificateSigningRequest, message: string): Promise<void> {
    const csr = structuredClone(cached);
    const now = rfc3339(this.now());
    csr.status = { ...(csr.status ?? {}), conditions: [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message, lastUpdateTime: now }] };
    await this.client.update(resourcePath(CSR_RESOURCE, undefined, csr.metadata.name, 'approval'), csr);
    this.log(`csrapproving: approved ${csr.metadata.name} (${csr.spec.username}): ${message}`);
  }
}
