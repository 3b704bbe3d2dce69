// Schema of scheduling.k8s.io/v1 PriorityClass and PriorityClassList.
import { arr, bool, define, enumOf, int32, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, listMeta, objectMeta } from '../../schema/meta.js';

const SCHED = 'io.k8s.api.scheduling.v1';

define(
  `${SCHED}.PriorityClass`,
  obj(
    {
      apiVersion: apiVersionField(),
      description: str('Free text saying when this priority class should be used.'),
      globalDefault: bool('Whether pods without a priorityClassName get this class; at most one class may set it.'),
      kind: kindField(),
      metadata: objectMeta(),
      preemptionPolicy: enumOf(['Never', 'PreemptLowerPriority'], 'Whether pods of this class may preempt lower-priority pods: PreemptLowerPriority (default) or Never.'),
      value: int32('Priority given to pods of this class; higher is more important, at most 1000000000 for user classes.'),
    },
    { required: ['value'], description: 'PriorityClass maps a class name to a pod priority.' },
  ),
);

define(
  `${SCHED}.PriorityClassList`,
  obj(
    {
      apiVersion: apiVersionField(),
      items: arr(ref(`${SCHED}.PriorityClass`), { description: 'Items is the list of PriorityClass objects.' }),
      kind: kindField(),
      metadata: listMeta(),
    },
    { required: ['items'], description: 'PriorityClassList is a list of PriorityClasses.' },
  ),
);
