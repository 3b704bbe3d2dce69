// Protocol-buffer field numbers of the admissionregistration/v1 policy messages, from upstream's
// k8s.io/api/admissionregistration/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.admissionregistration.v1';

defineProtoTags(`${P}.ValidatingAdmissionPolicy`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${P}.ValidatingAdmissionPolicyList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ValidatingAdmissionPolicySpec`, {
  paramKind: 1, matchConstraints: 2, validations: 3, failurePolicy: 4, auditAnnotations: 5, matchConditions: 6, variables: 7,
});
defineProtoTags(`${P}.ParamKind`, { apiVersion: 1, kind: 2 }, { omitEmpty: ['apiVersion', 'kind'] });
defineProtoTags(`${P}.MatchResources`, { namespaceSelector: 1, objectSelector: 2, resourceRules: 3, excludeResourceRules: 4, matchPolicy: 7 });
// Go embeds RuleWithOperations (which embeds Rule) inline; on the wire each is a message of its own.
defineProtoTags(`${P}.NamedRuleWithOperations`, { resourceNames: 1 }, { inline: { 2: `${P}.RuleWithOperations` } });
defineProtoTags(`${P}.RuleWithOperations`, { operations: 1 }, { inline: { 2: `${P}.Rule` } });
defineProtoTags(`${P}.Rule`, { apiGroups: 1, apiVersions: 2, resources: 3, scope: 4 });
defineProtoTags(`${P}.Validation`, { expression: 1, message: 2, reason: 3, messageExpression: 4 }, { omitEmpty: ['message', 'messageExpression'] });
defineProtoTags(`${P}.AuditAnnotation`, { key: 1, valueExpression: 2 });
defineProtoTags(`${P}.MatchCondition`, { name: 1, expression: 2 });
defineProtoTags(`${P}.Variable`, { name: 1, expression: 2 });
defineProtoTags(`${P}.ValidatingAdmissionPolicyStatus`, { observedGeneration: 1, typeChecking: 2, conditions: 3 }, { omitEmpty: ['observedGeneration'] });
defineProtoTags(`${P}.TypeChecking`, { expressionWarnings: 1 });
defineProtoTags(`${P}.ExpressionWarning`, { fieldRef: 2, warning: 3 });
defineProtoTags(`${P}.ValidatingAdmissionPolicyBinding`, { metadata: 1, spec: 2 });
defineProtoTags(`${P}.ValidatingAdmissionPolicyBindingList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ValidatingAdmissionPolicyBindingSpec`, { policyName: 1, paramRef: 2, matchResources: 3, validationActions: 4 }, { omitEmpty: ['policyName'] });
defineProtoTags(`${P}.ParamRef`, { name: 1, namespace: 2, selector: 3, parameterNotFoundAction: 4 }, { omitEmpty: ['name', 'namespace'] });

// The webhook configurations (generated.proto, as above).
defineProtoTags(`${P}.ValidatingWebhookConfiguration`, { metadata: 1, webhooks: 2 });
defineProtoTags(`${P}.ValidatingWebhookConfigurationList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.MutatingWebhookConfiguration`, { metadata: 1, webhooks: 2 });
defineProtoTags(`${P}.MutatingWebhookConfigurationList`, { metadata: 1, items: 2 });
defineProtoTags(`${P}.ValidatingWebhook`, {
  name: 1, clientConfig: 2, rules: 3, failurePolicy: 4, namespaceSelector: 5, sideEffects: 6, timeoutSeconds: 7, admissionReviewVersions: 8, matchPolicy: 9, objectSelector: 10, matchConditions: 11,
});
defineProtoTags(`${P}.MutatingWebhook`, {
  name: 1, clientConfig: 2, rules: 3, failurePolicy: 4, namespaceSelector: 5, sideEffects: 6, timeoutSeconds: 7, admissionReviewVersions: 8, matchPolicy: 9, reinvocationPolicy: 10, objectSelector: 11, matchConditions: 12,
});
defineProtoTags(`${P}.WebhookClientConfig`, { service: 1, caBundle: 2, url: 3 });
defineProtoTags(`${P}.ServiceReference`, { namespace: 1, name: 2, path: 3, port: 4 });
