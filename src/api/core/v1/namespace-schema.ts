// Schema of Namespace (core/v1).
import { arr, define, enumOf, keyedList, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';

define(
  `${V1}.NamespaceSpec`,
  obj(
    { finalizers: arr(str(), { listType: 'atomic', description: 'Finalizers that must all be removed before the namespace is deleted from storage.' }) },
    { description: 'NamespaceSpec is the desired state of a namespace.' },
  ),
);

define(
  `${V1}.NamespaceCondition`,
  obj(
    {
      lastTransitionTime: time('Last time the condition changed status.'),
      message: str('Human-readable details of the last transition.'),
      reason: str('Machine-readable reason for the last transition.'),
      status: str('Status of the condition: True, False or Unknown.'),
      type: str('Type of the condition.'),
    },
    { required: ['type', 'status'], description: 'NamespaceCondition reports one aspect of a namespace\'s state.' },
  ),
);

define(
  `${V1}.NamespaceStatus`,
  obj(
    {
      conditions: keyedList(ref(`${V1}.NamespaceCondition`), 'type', 'Latest observations of the namespace\'s state.'),
      phase: enumOf(['Active', 'Terminating'], 'Lifecycle phase of the namespace: Active, or Terminating while its content is removed.'),
    },
    { description: 'NamespaceStatus is the observed state of a namespace.' },
  ),
);

define(
  `${V1}.Namespace`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.NamespaceSpec`, 'Desired state of the namespace.'),
      status: ref(`${V1}.NamespaceStatus`, 'Observed state of the namespace.'),
    },
    { description: 'Namespace is a scope for names: objects in different namespaces may share a name.' },
  ),
);
