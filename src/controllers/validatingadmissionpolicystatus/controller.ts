// The validatingadmissionpolicy-status controller (upstream's, in kube-controller-manager): once
// per generation of a ValidatingAdmissionPolicy, type-check its expressions against the schemas
// of the kinds it matches and write status.observedGeneration and status.typeChecking.
import { typeCheckPolicy, type KindLookup } from '../../api/admissionregistration/v1/typecheck.js';
import type { ValidatingAdmissionPolicy } from '../../api/admissionregistration/v1/types.js';
import { allKinds } from '../../api/scheme/all.js';
import type { KindDefinition } from '../../api/scheme/kind.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { gvr } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import { StatusWriter } from '../common/status-writer.js';

const POLICIES = gvr('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies');

/** The built-in kinds by resource and by kind (custom resources join when CRDs are served). */
function builtInKinds(): KindLookup {
  const byResource = new Map<string, KindDefinition>();
  const byKind = new Map<string, KindDefinition>();
  for (const d of allKinds) {
    byResource.set(`${d.group}/${d.version}/${d.plural}`, d);
    byKind.set(`${d.group}/${d.version}/${d.kind}`, d);
  }
  return {
    byResource: (g, v, r) => byResource.get(`${g}/${v}/${r}`),
    byKind: (g, v, k) => byKind.get(`${g}/${v}/${k}`),
  };
}

export class ValidatingAdmissionPolicyStatusController extends QueueController {
  private readonly policies: Informer<ValidatingAdmissionPolicy>;
  private readonly status: StatusWriter<ValidatingAdmissionPolicy>;
  private readonly kinds = builtInKinds();

  constructor(client: ApiClient, factory: SharedInformerFactory, opts: ControllerOptions = {}) {
    super('validatingadmissionpolicy-status', opts, 1, { baseDelayMs: 100, maxDelayMs: 30_000 });
    this.policies = this.cache(factory.informerFor<ValidatingAdmissionPolicy>(POLICIES));
    this.enqueueOnChange(this.policies);
    this.status = new StatusWriter(client, POLICIES, 'admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy');
  }

  async sync(name: string): Promise<void> {
    const policy = this.policies.get(name);
    if (!policy) return;
    const generation = policy.metadata.generation ?? 0;
    if (policy.status?.typeChecking && (policy.status.observedGeneration ?? 0) >= generation) return;
    const expressionWarnings = typeCheckPolicy(policy, this.kinds);
    await this.status.update(policy, {
      ...policy.status,
      observedGeneration: generation,
      typeChecking: expressionWarnings.length ? { expressionWarnings } : {},
    });
  }
}
