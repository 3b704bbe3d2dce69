// OpenAPI definitions of where and how a pod is placed: node and pod affinity, tolerations,
// topology spread, scheduling and readiness gates, DNS settings and host aliases.
import { enumOf, int32, int64, str } from '../../../schema/dsl.js';
import { labelSelector } from '../../../schema/meta.js';
import { atomicList, def, r, strList } from './schema-common.js';

// ---- scheduling -----------------------------------------------------------------------

def('NodeSelectorRequirement', 'A requirement on a node label or field.', {
  key: str('The label key or field name.'),
  operator: enumOf(['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'], 'Relationship of the key to the values.'),
  values: strList('Values to compare against; one integer for Gt and Lt, none for Exists and DoesNotExist.'),
}, { required: ['key', 'operator'] });

def('NodeSelectorTerm', 'Requirements on a node, ANDed together.', {
  matchExpressions: atomicList(r('NodeSelectorRequirement'), 'Requirements on node labels.'),
  matchFields: atomicList(r('NodeSelectorRequirement'), 'Requirements on node fields.'),
}, { mapType: 'atomic' });

def('NodeSelector', 'One or more node selector terms, ORed together.', {
  nodeSelectorTerms: atomicList(r('NodeSelectorTerm'), 'The terms.'),
}, { required: ['nodeSelectorTerms'], mapType: 'atomic' });

def('PreferredSchedulingTerm', 'A weighted node preference.', {
  preference: r('NodeSelectorTerm', 'The node selector term.'),
  weight: int32('Weight of the preference, 1-100.'),
}, { required: ['weight', 'preference'] });

def('NodeAffinity', 'Node affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('PreferredSchedulingTerm'), 'Preferences: nodes matching more weight score higher.'),
  requiredDuringSchedulingIgnoredDuringExecution: r('NodeSelector', 'Requirements the node must meet for the pod to be placed there.'),
});

def('PodAffinityTerm', 'A set of pods, and the topology domain they must (or must not) share with this pod.', {
  labelSelector: labelSelector('Selects the pods.'),
  matchLabelKeys: atomicList(str(), "Label keys whose values are taken from this pod and ANDed into labelSelector."),
  mismatchLabelKeys: atomicList(str(), "Label keys whose values are taken from this pod and excluded via labelSelector."),
  namespaceSelector: labelSelector('Selects the namespaces the pods are looked for in.'),
  namespaces: strList('Namespaces to look in; the pod namespace when empty and no namespaceSelector.'),
  topologyKey: str('Node label whose value defines the shared topology domain.'),
}, { required: ['topologyKey'] });

def('WeightedPodAffinityTerm', 'A weighted pod affinity term.', {
  podAffinityTerm: r('PodAffinityTerm', 'The pod affinity term.'),
  weight: int32('Weight of the term, 1-100.'),
}, { required: ['weight', 'podAffinityTerm'] });

def('PodAffinity', 'Pod affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('WeightedPodAffinityTerm'), 'Preferences for nodes near matching pods.'),
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(r('PodAffinityTerm'), 'Requirements to be placed near matching pods.'),
});

def('PodAntiAffinity', 'Pod anti-affinity scheduling rules.', {
  preferredDuringSchedulingIgnoredDuringExecution: atomicList(r('WeightedPodAffinityTerm'), 'Preferences for nodes away from matching pods.'),
  requiredDuringSchedulingIgnoredDuringExecution: atomicList(r('PodAffinityTerm'), 'Requirements to be placed away from matching pods.'),
});

def('Affinity', 'Affinity scheduling rules of a pod.', {
  nodeAffinity: r('NodeAffinity', 'Rules about nodes.'),
  podAffinity: r('PodAffinity', 'Rules for co-locating with other pods.'),
  podAntiAffinity: r('PodAntiAffinity', 'Rules for staying apart from other pods.'),
});

def('Toleration', 'Lets the pod schedule onto (or stay on) nodes with a matching taint.', {
  effect: enumOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'Taint effect to match; empty matches all effects.'),
  key: str('Taint key to match; empty with operator Exists matches every taint.'),
  operator: enumOf(['Equal', 'Exists'], 'Exists or Equal; defaults to Equal.'),
  tolerationSeconds: int64('How long a NoExecute taint is tolerated before eviction; forever when unset.'),
  value: str('Taint value to match; empty with operator Exists.'),
});

def('TopologySpreadConstraint', 'How matching pods should be spread across a topology.', {
  labelSelector: labelSelector('Selects the pods counted in each domain.'),
  matchLabelKeys: atomicList(str(), 'Label keys whose values from this pod narrow labelSelector.'),
  maxSkew: int32('Largest allowed difference in matching pods between domains; greater than 0.'),
  minDomains: int32('Minimum number of eligible domains; only with whenUnsatisfiable DoNotSchedule.'),
  nodeAffinityPolicy: enumOf(['Honor', 'Ignore'], 'Whether node affinity and selector limit the domains counted; defaults to Honor.'),
  nodeTaintsPolicy: enumOf(['Honor', 'Ignore'], 'Whether node taints limit the domains counted; defaults to Ignore.'),
  topologyKey: str('Node label whose values define the domains.'),
  whenUnsatisfiable: enumOf(['DoNotSchedule', 'ScheduleAnyway'], 'What to do with a pod that cannot satisfy the constraint.'),
}, { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] });

// ---- gates, DNS, hosts ----------------------------------------------------------------

def('PodDNSConfigOption', 'A resolver option.', {
  name: str('Option name.'),
  value: str('Option value.'),
});

def('PodDNSConfig', 'DNS settings merged into those chosen by dnsPolicy.', {
  nameservers: strList('DNS server IP addresses.'),
  options: atomicList(r('PodDNSConfigOption'), 'Resolver options.'),
  searches: strList('DNS search domains.'),
});

def('HostAlias', "An entry for the pod's /etc/hosts.", {
  hostnames: strList('Host names for the IP.'),
  ip: str('IP address of the entry.'),
}, { required: ['ip'] });

def('PodReadinessGate', 'An extra condition the pod needs to be Ready.', {
  conditionType: str('A condition type in the pod condition list.'),
}, { required: ['conditionType'] });

def('PodSchedulingGate', 'A gate that keeps the pod from being scheduled while present.', {
  name: str('Name of the gate, unique within the pod.'),
}, { required: ['name'] });
