// Protocol-buffer field numbers of the authorization.k8s.io/v1 messages, from upstream's
// k8s.io/api/authorization/v1/generated.proto (kubectl auth can-i sends its reviews as
// protobuf). Request decoding only: see src/api/schema/protobuf-tags.ts. The selector
// attributes (alpha) and the spec's extra map are left out: an unknown field is skipped.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const Z = 'io.k8s.api.authorization.v1';
const ATTRS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];

defineProtoTags(`${Z}.ResourceAttributes`, { namespace: 1, verb: 2, group: 3, version: 4, resource: 5, subresource: 6, name: 7 }, { omitEmpty: ATTRS });
defineProtoTags(`${Z}.NonResourceAttributes`, { path: 1, verb: 2 }, { omitEmpty: ['path', 'verb'] });
defineProtoTags(`${Z}.SubjectAccessReviewSpec`, { resourceAttributes: 1, nonResourceAttributes: 2, user: 3, groups: 4, uid: 6 }, { omitEmpty: ['user', 'uid'] });
defineProtoTags(`${Z}.SelfSubjectAccessReviewSpec`, { resourceAttributes: 1, nonResourceAttributes: 2 });
defineProtoTags(`${Z}.SubjectAccessReviewStatus`, { allowed: 1, reason: 2, evaluationError: 3, denied: 4 }, { omitEmpty: ['reason', 'evaluationError', 'denied'] });
defineProtoTags(`${Z}.SelfSubjectRulesReviewSpec`, { namespace: 1 }, { omitEmpty: ['namespace'] });
defineProtoTags(`${Z}.ResourceRule`, { verbs: 1, apiGroups: 2, resources: 3, resourceNames: 4 });
defineProtoTags(`${Z}.NonResourceRule`, { verbs: 1, nonResourceURLs: 2 });
defineProtoTags(`${Z}.SubjectRulesReviewStatus`, { resourceRules: 1, nonResourceRules: 2, incomplete: 3, evaluationError: 4 }, { omitEmpty: ['evaluationError'] });
for (const kind of ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview']) defineProtoTags(`${Z}.${kind}`, { metadata: 1, spec: 2, status: 3 });
