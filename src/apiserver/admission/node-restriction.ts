// NodeRestriction admission (upstream's plugin/pkg/admission/noderestriction): a kubelet may
// write only its own Node and Lease, create only mirror pods bound to itself and delete only
// pods bound to itself. The Node authorizer decides what kinds it may touch; this decides which
// objects, which needs the object itself. Other users pass untouched.
import type { KubeObject } from '../../api/meta/types.js';
import { forbiddenError } from '../authz/forbidden.js';
import { nodeNameOf } from '../authz/node.js';
import type { AdmissionCheck } from '../rest/resource-store.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export function nodeRestriction(): AdmissionCheck {
  return (entry, obj, op, old, requester) => {
    const node = requester && nodeNameOf(requester);
    if (!node) return;
    const name = obj.metadata.name ?? old?.metadata.name ?? '';
    const refuse = (why: string) => forbiddenError(entry.group, entry.resource, name, why);
    if (entry.group === '' && entry.resource === 'nodes') {
      if (name !== node) throw refuse(`node "${node}" is not allowed to modify node "${name}"`);
      return;
    }
    if (entry.group === 'coordination.k8s.io' && entry.resource === 'leases') {
      if (obj.metadata.namespace === 'kube-node-lease' && name !== node) throw refuse('can only access node lease with the same name as the requesting node');
      return;
    }
    if (entry.group === '' && entry.resource === 'pods') {
      const boundTo = (p: KubeObject | undefined) => (p as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName;
      if (op === 'create') {
        if (obj.metadata.annotations?.[MIRROR_POD_ANNOTATION] === undefined) throw refuse(`pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
        if (boundTo(obj) !== node) throw refuse(`node "${node}" can only create pods with spec.nodeName set to itself`);
        return;
      }
      if (op === 'delete') {
        if (boundTo(old ?? obj) !== node) throw refuse(`node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw refuse(`unexpected operation "UPDATE", node "${node}" can only create and delete mirror pods`);
    }
  };
}
