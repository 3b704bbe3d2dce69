// Core definitions that several groups refer to and no single kind owns.
import { arr, define, obj, ref, str } from '../../schema/dsl.js';

const CORE = 'io.k8s.api.core.v1';

define(
  `${CORE}.TypedLocalObjectReference`,
  obj(
    {
      apiGroup: str('APIGroup is the group for the resource being referenced; empty means the core API group.'),
      kind: str('Kind is the type of resource being referenced.'),
      name: str('Name is the name of resource being referenced.'),
    },
    { required: ['kind', 'name'], mapType: 'atomic', description: 'A reference to an object in the same namespace, by group, kind and name.' },
  ),
);

define(
  `${CORE}.TopologySelectorLabelRequirement`,
  obj(
    {
      key: str('The label key that the selector applies to.'),
      values: arr(str(), { listType: 'atomic', description: 'Label values; one must match for the requirement to hold.' }),
    },
    { required: ['key', 'values'], description: 'A label key and the values it may take, for topology selection.' },
  ),
);

define(
  `${CORE}.TopologySelectorTerm`,
  obj(
    {
      matchLabelExpressions: arr(ref(`${CORE}.TopologySelectorLabelRequirement`), { listType: 'atomic', description: 'Label requirements; all must hold.' }),
    },
    { mapType: 'atomic', description: 'A topology term: the requirements of one term are ANDed.' },
  ),
);
