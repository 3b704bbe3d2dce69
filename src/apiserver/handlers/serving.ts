// What serves each resource beyond the generic verbs, as upstream's per-resource REST storage
// (pkg/registry/…): the status and scale subresources of every kind that declares them (a
// CRD's as well), and what the built-in kinds add: pods/binding, pods/eviction, the kubelet
// connections, the pods/, services/ and nodes/ proxy, namespaces/finalize, the CSRs' approval and status,
// serviceaccounts/token, TokenReview's create, the access reviews' and SelfSubjectReview's creates,
// and the deletes that answer with the object. The one table that names built-in kinds; the
// registry carries it on each entry and the dispatch reads it from there.
import { validateNamespaceFinalizeUpdate } from '../../api/core/v1/namespace.js';
import type { TokenAuthenticator } from '../auth/token.js';
import type { ResourceEntry, ResourceServing, ServingProvider, Subresource } from '../registry/entry.js';
import type { ApiContext } from './context.js';
import { bindingSubresource } from './subresources/binding.js';
import { evictionSubresource } from './subresources/eviction.js';
import { finalizeSubresource, type FinalizeValidation } from './subresources/finalize.js';
import { podConnectSubresources } from './subresources/kubelet.js';
import { nodeProxySubresource, podProxySubresource, serviceProxySubresource } from './subresources/proxy.js';
import { scaleSubresource } from './subresources/scale.js';
import { statusSubresource } from './subresources/status.js';
import { tokenRequestSubresource, type TokenRequestPolicy } from './subresources/token-request.js';
import { tokenReviewCreate } from './token-review.js';
import type { Authorization } from '../authz/modes.js';
import { accessReviewCreate } from './access-reviews.js';
import { certificateApproval, certificateSigning } from '../admission/certificates.js';
import { DEFAULT_ON_ADMISSION_PLUGINS } from '../admission/plugin-names.js';
import { csrApprovalSubresource, csrStatusSubresource } from './subresources/csr.js';

export interface ServingOptions {
  /** What serviceaccounts/token issues by; without it the subresource is not served. */
  tokenRequests?: TokenRequestPolicy;
  /** TokenReview asks these. */
  authenticator: TokenAuthenticator;
  apiAudiences: readonly string[];
  /** The access reviews and SelfSubjectReview ask it; so do the CSR approval and signing checks. */
  authorization: Authorization;
  /** The admission plugins that run (default upstream's default-on set): CertificateApproval and CertificateSigning guard the CSR subresources. */
  admissionPlugins?: ReadonlySet<string>;
}

export function servingProvider(ctx: ApiContext, o: ServingOptions): ServingProvider {
  return (entry) => {
    const builtin = builtinServing(ctx, o, entry);
    const own = new Set((builtin.subresources ?? []).map((s) => s.name));
    const generic: Subresource[] = [];
    // A kind whose status has a strategy of its own (a CSR's) serves that instead of the generic one.
    if (entry.def.hasStatus && !own.has('status')) generic.push(statusSubresource(ctx, ownKind(entry)));
    if (entry.def.scale) generic.push(scaleSubresource(ctx));
    return { ...builtin, subresources: [...generic, ...(builtin.subresources ?? [])] };
  };
}

function ownKind(entry: ResourceEntry): Subresource['kind'] {
  return { group: entry.group, version: entry.version, kind: entry.kind };
}

function builtinServing(ctx: ApiContext, o: ServingOptions, entry: ResourceEntry): ResourceServing {
  switch (`${entry.group}/${entry.resource}`) {
    case '/pods':
      return { deleteReturnsObject: true, subresources: [bindingSubresource(ctx), evictionSubresource(ctx), ...podConnectSubresources(ctx.kubelet), podProxySubresource(ctx)] };
    case '/namespaces':
      return { deleteReturnsObject: true, subresources: [finalizeSubresource(ctx, ownKind(entry), validateNamespaceFinalizeUpdate as FinalizeValidation)] };
    case '/nodes':
      return { deleteReturnsObject: true, subresources: [nodeProxySubresource(ctx.kubelet)] };
    case '/services':
      return { deleteReturnsObject: true, subresources: [serviceProxySubresource(ctx)] };
    case '/persistentvolumes':
    case '/persistentvolumeclaims':
      return { deleteReturnsObject: true };
    case '/serviceaccounts':
      return { subresources: o.tokenRequests ? [tokenRequestSubresource(ctx, o.tokenRequests)] : [] };
    case 'certificates.k8s.io/certificatesigningrequests': {
      const on = (name: string) => (o.admissionPlugins ?? new Set(DEFAULT_ON_ADMISSION_PLUGINS)).has(name);
      const authorizer = o.authorization.authorizer;
      return {
        subresources: [
          csrStatusSubresource(ctx, ownKind(entry), on('CertificateSigning') ? certificateSigning(authorizer) : undefined),
          csrApprovalSubresource(ctx, ownKind(entry), on('CertificateApproval') ? certificateApproval(authorizer) : undefined),
        ],
      };
    }
    case 'authentication.k8s.io/tokenreviews':
      return { create: tokenReviewCreate(o.authenticator, o.apiAudiences) };
    case 'authentication.k8s.io/selfsubjectreviews':
    case 'authorization.k8s.io/subjectaccessreviews':
    case 'authorization.k8s.io/localsubjectaccessreviews':
    case 'authorization.k8s.io/selfsubjectaccessreviews':
    case 'authorization.k8s.io/selfsubjectrulesreviews':
      return { create: accessReviewCreate(entry.kind, o.authorization) };
  }
  return {};
}
