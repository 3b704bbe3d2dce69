// Priority admission: a new pod's priorityClassName (or, without one, the global default
// class) resolves to spec.priority and spec.preemptionPolicy; an unknown class is refused.
// For PriorityClasses: only one may be the global default, and the system classes stay.
import type { Pod } from '../../api/core/v1/pod/types.js';
import { SYSTEM_PRIORITY_CLASSES, type PriorityClass } from '../../api/scheduling/v1/types.js';
import { errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { AdmissionCheck } from '../rest/resource-store.js';
import type { WatchCache } from '../watchcache/watch-cache.js';

const DEFAULT_PREEMPTION_POLICY = 'PreemptLowerPriority';

/** The global default class: the highest-valued one marked so, as upstream's getDefaultPriorityClass. */
function defaultClass(classes: PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!best || pc.value > best.value)) best = pc;
  return best;
}

export function priorityAdmission(cache: WatchCache, priorityClasses: ResourceEntry): AdmissionCheck {
  const all = () => [...cache.resource(priorityClasses.keyPrefix).items.values()].map((c) => c.obj as PriorityClass);
  const byName = (name: string) => cache.resource(priorityClasses.keyPrefix).items.get(`${priorityClasses.keyPrefix}${name}`)?.obj as PriorityClass | undefined;

  const admitPod = (entry: ResourceEntry, pod: Pod) => {
    const spec = pod.spec;
    if (!spec) return;
    let value = 0;
    let policy = DEFAULT_PREEMPTION_POLICY;
    if (spec.priorityClassName) {
      const pc = byName(spec.priorityClassName);
      if (!pc) throw errors.forbidden(entry, pod.metadata.name ?? '', `no PriorityClass with name ${spec.priorityClassName} was found`);
      value = pc.value;
      policy = pc.preemptionPolicy ?? DEFAULT_PREEMPTION_POLICY;
    } else {
      const pc = defaultClass(all());
      if (pc) {
        spec.priorityClassName = pc.metadata.name;
        value = pc.value;
        policy = pc.preemptionPolicy ?? DEFAULT_PREEMPTION_POLICY;
      }
    }
    if (spec.priority !== undefined && spec.priority !== value) {
      throw errors.forbidden(entry, pod.metadata.name ?? '', `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    }
    if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
      throw errors.forbidden(entry, pod.metadata.name ?? '', `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.priority = value;
    spec.preemptionPolicy = policy;
  };

  return (entry, obj, op) => {
    if (entry.group === '' && entry.resource === 'pods') {
      if (op === 'create') admitPod(entry, obj as Pod);
      return;
    }
    if (entry.storage !== priorityClasses) return;
    const name = obj.metadata.name ?? '';
    if (op === 'delete') {
      if (SYSTEM_PRIORITY_CLASSES.some((c) => c.name === name)) throw errors.forbidden(entry, name, 'this is a system priority class and cannot be deleted');
      return;
    }
    if (!(obj as PriorityClass).globalDefault) return;
    const current = defaultClass(all());
    if (current && (op === 'create' || current.metadata.name !== name)) {
      throw errors.forbidden(entry, name, `PriorityClass ${current.metadata.name} is marked as default. Only one default can exist`);
    }
  };
}
