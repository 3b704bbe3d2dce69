// The Node kind: defaults, validation (upstream's ValidateNode / ValidateNodeUpdate) and names.
import type { KindDefinition } from '../../scheme/kind.js';
import { duplicate, forbidden, invalid, notSupported, path, required, type FieldError, type FieldPath } from '../../validation/field.js';
import { isValidCIDR, isValidLabelValue } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import './node-schema.js';
import { canonicalizeResourceList, validateResourceList } from './resource-rules.js';
import type { Node, Taint } from './types.js';
import { parseIP } from './validation-helpers.js';

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/** podCIDR and podCIDRs mirror each other (upstream converts between them); allocatable defaults to capacity. */
export function defaultNode(node: Node): void {
  const spec = node.spec;
  if (spec) {
    if (spec.podCIDR && !spec.podCIDRs?.length) spec.podCIDRs = [spec.podCIDR];
    else if (!spec.podCIDR && spec.podCIDRs?.length) spec.podCIDR = spec.podCIDRs[0];
  }
  const status = node.status;
  canonicalizeResourceList(status?.capacity);
  canonicalizeResourceList(status?.allocatable);
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

/** Upstream's validateTaintEffect with allowEmpty=false. */
export function validateTaintEffect(effect: string | undefined, p: FieldPath): FieldError[] {
  if (!effect) return [required(p)];
  return (TAINT_EFFECTS as readonly string[]).includes(effect) ? [] : [notSupported(p, effect, TAINT_EFFECTS)];
}

export function validateNodeTaints(taints: Taint[], p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const ip = p.index(i);
    errs.push(...validateLabelName(t.key ?? '', ip.child('key')));
    const valueMsgs = isValidLabelValue(t.value ?? '');
    if (valueMsgs.length) errs.push(invalid(ip.child('value'), t.value ?? '', valueMsgs.join(';')));
    errs.push(...validateTaintEffect(t.effect, ip.child('effect')));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) errs.push({ ...duplicate(ip, t), detail: 'taints must be unique by key and effect pair' });
    seen.add(key);
  });
  return errs;
}

function validatePodCIDRs(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  const cidrs = node.spec?.podCIDRs ?? [];
  const p = path('spec', 'podCIDRs');
  let bad = false;
  cidrs.forEach((c, i) => {
    for (const msg of isValidCIDR(c)) {
      bad = true;
      errs.push(invalid(p.index(i), c, msg));
    }
  });
  if (!bad && cidrs.length > 1) {
    const fams = cidrs.map((c) => parseIP(c.slice(0, c.indexOf('/')))?.family);
    if (cidrs.length > 2) errs.push(invalid(p, cidrs, 'may specify no more than two CIDRs'));
    else if (fams[0] === fams[1]) errs.push(invalid(p, cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  return errs;
}

function validateNodeCommon(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  if (node.spec?.taints?.length) errs.push(...validateNodeTaints(node.spec.taints, path('spec', 'taints')));
  errs.push(...validatePodCIDRs(node));
  errs.push(...validateResourceList(node.status?.capacity, path('status', 'capacity'), 'child'));
  errs.push(...validateResourceList(node.status?.allocatable, path('status', 'allocatable'), 'child'));
  const seen = new Set<string>();
  (node.status?.addresses ?? []).forEach((a, i) => {
    const key = `${a.type}\u0000${a.address}`;
    if (seen.has(key)) errs.push(duplicate(path('status', 'addresses').index(i), a));
    seen.add(key);
  });
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  return [...validateObjectMeta(node.metadata, false, nameIsDNSSubdomain), ...validateNodeCommon(node)];
}

export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata, path('metadata'));
  errs.push(...validateNodeCommon(node));
  // The controller manager may assign pod CIDRs once; after that they stay.
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  const cidrs = node.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && (oldCIDRs.length !== cidrs.length || oldCIDRs.some((c, i) => c !== cidrs[i]))) {
    errs.push(forbidden(path('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid'));
  }
  if (old.spec?.providerID && old.spec.providerID !== node.spec?.providerID) {
    errs.push(forbidden(path('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

export const nodeKind: KindDefinition<Node> = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  namespaced: false,
  schema: 'io.k8s.api.core.v1.Node',
  hasStatus: true,
  tracksGeneration: false,
  default: defaultNode,
  validateCreate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeUpdate,
  fieldSelectors: {
    'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false),
  },
};
