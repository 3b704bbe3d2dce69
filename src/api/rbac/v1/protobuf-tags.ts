// Protocol-buffer field numbers of the rbac/v1 messages, from upstream's
// k8s.io/api/rbac/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.rbac.v1';

defineProtoTags(`${P}.PolicyRule`, { verbs: 1, apiGroups: 2, resources: 3, resourceNames: 4, nonResourceURLs: 5 });
defineProtoTags(`${P}.AggregationRule`, { clusterRoleSelectors: 1 });
defineProtoTags(`${P}.Subject`, { kind: 1, apiGroup: 2, name: 3, namespace: 4 }, { omitEmpty: ['apiGroup', 'namespace'] });
defineProtoTags(`${P}.RoleRef`, { apiGroup: 1, kind: 2, name: 3 });
defineProtoTags(`${P}.Role`, { metadata: 1, rules: 2 });
defineProtoTags(`${P}.RoleList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ClusterRole`, { metadata: 1, rules: 2, aggregationRule: 3 });
defineProtoTags(`${P}.ClusterRoleList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.RoleBinding`, { metadata: 1, subjects: 2, roleRef: 3 });
defineProtoTags(`${P}.RoleBindingList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ClusterRoleBinding`, { metadata: 1, subjects: 2, roleRef: 3 });
defineProtoTags(`${P}.ClusterRoleBindingList`, { metadata: 1, items: 2 });
