// Schema of ServiceAccount (core/v1).
import { arr, bool, define, keyedList, obj, ref } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';

define(
  `${V1}.ServiceAccount`,
  obj(
    {
      apiVersion: apiVersionField(),
      automountServiceAccountToken: bool('Whether pods running as this account get an API token mounted by default.'),
      imagePullSecrets: arr(ref(`${V1}.LocalObjectReference`), { listType: 'atomic', description: 'Secrets in the same namespace used to pull images of pods running as this account.' }),
      kind: kindField(),
      metadata: objectMeta(),
      secrets: keyedList(ref(`${V1}.ObjectReference`), 'name', 'Secrets in the same namespace that pods running as this account may use.'),
    },
    { description: 'ServiceAccount is an identity for processes that run in pods.' },
  ),
);
