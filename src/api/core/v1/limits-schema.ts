// Schemas of LimitRange and ResourceQuota (core/v1).
import { arr, define, enumOf, mapOf, obj, quantity, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const resources = (description: string) => mapOf(quantity(), description);
const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'] as const;

define(
  `${V1}.LimitRangeItem`,
  obj(
    {
      default: resources('Limits given to containers that set none.'),
      defaultRequest: resources('Requests given to containers that set none.'),
      max: resources('Most of each resource an object of this type may use.'),
      maxLimitRequestRatio: resources('Largest allowed ratio of limit to request for each resource.'),
      min: resources('Least of each resource an object of this type must ask for.'),
      type: str('Kind of object the limits apply to: Container, Pod or PersistentVolumeClaim.'),
    },
    { required: ['type'], description: 'LimitRangeItem bounds the resources of one kind of object.' },
  ),
);

define(
  `${V1}.LimitRangeSpec`,
  obj({ limits: arr(ref(`${V1}.LimitRangeItem`), { listType: 'atomic', description: 'Limits enforced, one item per object type.' }) }, { required: ['limits'], description: 'LimitRangeSpec lists the limits of a LimitRange.' }),
);

define(
  `${V1}.LimitRange`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.LimitRangeSpec`, 'The limits enforced.'),
    },
    { description: 'LimitRange bounds and defaults the resources of objects in a namespace.' },
  ),
);

define(
  `${V1}.ScopedResourceSelectorRequirement`,
  obj(
    {
      operator: enumOf(['DoesNotExist', 'Exists', 'In', 'NotIn'], 'How the scope relates to the values: In, NotIn, Exists or DoesNotExist.'),
      scopeName: enumOf(SCOPES, 'Name of the scope the selector applies to.'),
      values: arr(str(), { listType: 'atomic', description: 'Values for In and NotIn; empty for Exists and DoesNotExist.' }),
    },
    { required: ['scopeName', 'operator'], description: 'ScopedResourceSelectorRequirement is one condition of a scope selector.' },
  ),
);

define(
  `${V1}.ScopeSelector`,
  obj(
    { matchExpressions: arr(ref(`${V1}.ScopedResourceSelectorRequirement`), { listType: 'atomic', description: 'Conditions, ANDed together.' }) },
    { mapType: 'atomic', description: 'ScopeSelector selects the objects a quota tracks by their scopes.' },
  ),
);

define(
  `${V1}.ResourceQuotaSpec`,
  obj(
    {
      hard: resources('Hard limit on each named resource.'),
      scopeSelector: ref(`${V1}.ScopeSelector`, 'Expressions over scopes that tracked objects must match.'),
      scopes: arr(enumOf(SCOPES), { listType: 'atomic', description: 'Scopes that tracked objects must all match.' }),
    },
    { description: 'ResourceQuotaSpec is the limits a quota enforces.' },
  ),
);

define(
  `${V1}.ResourceQuotaStatus`,
  obj(
    {
      hard: resources('Enforced hard limit of each resource.'),
      used: resources('Current use of each resource in the namespace.'),
    },
    { description: 'ResourceQuotaStatus is the enforced limits and current use of a quota.' },
  ),
);

define(
  `${V1}.ResourceQuota`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.ResourceQuotaSpec`, 'The limits the quota enforces.'),
      status: ref(`${V1}.ResourceQuotaStatus`, 'Enforced limits and current use.'),
    },
    { description: 'ResourceQuota caps the total resources used by objects in a namespace.' },
  ),
);
