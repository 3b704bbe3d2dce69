// A pod's priority: spec.priority when admission set it; otherwise resolved here from its
// priorityClassName (or the global default class), for servers run without Priority admission.
import type { Pod } from '../api/core/v1/pod/types.js';
import { SYSTEM_PRIORITY_CLASSES, type PriorityClass } from '../api/scheduling/v1/types.js';

export interface PriorityClassLister {
  get(name: string): PriorityClass | undefined;
  list(): PriorityClass[];
}

export class PriorityResolver {
  constructor(private readonly classes?: PriorityClassLister) {}

  of(pod: Pod): number {
    const spec = pod.spec;
    if (typeof spec?.priority === 'number') return spec.priority;
    const name = spec?.priorityClassName;
    if (name) {
      const sys = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
      if (sys) return sys.value;
      return this.classes?.get(name)?.value ?? 0;
    }
    const def = this.classes?.list().find((c) => c.globalDefault);
    return def?.value ?? 0;
  }
}
