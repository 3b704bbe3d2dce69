// Validation of scheduling.k8s.io/v1 PriorityClass (pkg/apis/scheduling/validation).
import { forbidden, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { nameIsDNSSubdomain, validateImmutableField, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { HIGHEST_USER_DEFINABLE_PRIORITY, SYSTEM_PRIORITY_CLASSES, SYSTEM_PRIORITY_CLASS_PREFIX, type PriorityClass } from './types.js';

/** Why a "system-" class is not one of the built-ins, or undefined when it is. */
function systemClassProblem(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain);
  const name = pc.metadata.name ?? '';
  const value = pc.value ?? 0;
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const problem = systemClassProblem(name, value, pc.globalDefault ?? false);
    if (problem) {
      errs.push(forbidden(path('metadata', 'name'), `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${problem}`));
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden(path('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && pc.preemptionPolicy !== null) {
    if (pc.preemptionPolicy === '') errs.push(required(path('preemptionPolicy')));
    else if (pc.preemptionPolicy !== 'PreemptLowerPriority' && pc.preemptionPolicy !== 'Never') {
      errs.push(notSupported(path('preemptionPolicy'), pc.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  return errs;
}

export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata, undefined, { requireResourceVersion: false });
  // Running pods carry the old value; changing it would leave them inconsistent with the class.
  if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(forbidden(path('value'), 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, path('preemptionPolicy')));
  // Upstream's update strategy runs the create rules on the new object first.
  return [...validatePriorityClass(pc), ...errs];
}
