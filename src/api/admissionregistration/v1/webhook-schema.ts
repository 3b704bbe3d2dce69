// Schema of admissionregistration.k8s.io/v1 MutatingWebhookConfiguration and
// ValidatingWebhookConfiguration, under upstream's definition names (MatchCondition is shared
// with the policy kinds, in schema.ts).
import { defineList, ruleWithOperationsFields } from './schema.js';
import { arr, define, enumOf, int32, keyedList, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, objectMeta } from '../../schema/meta.js';

const AR = 'io.k8s.api.admissionregistration.v1';

define(`${AR}.RuleWithOperations`, obj(ruleWithOperationsFields, { description: 'RuleWithOperations is a tuple of Operations and Resources.' }));

define(`${AR}.ServiceReference`, obj({
  name: str('`name` is the name of the service. Required'),
  namespace: str('`namespace` is the namespace of the service. Required'),
  path: str('`path` is an optional URL path which will be sent in any request to this service.'),
  port: int32('If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility.'),
}, { required: ['namespace', 'name'], description: 'ServiceReference holds a reference to Service.legacy.k8s.io' }));

define(`${AR}.WebhookClientConfig`, obj({
  caBundle: str("`caBundle` is a PEM encoded CA bundle which will be used to validate the webhook's server certificate. If unspecified, system trust roots on the apiserver are used.", { format: 'byte' }),
  service: ref(`${AR}.ServiceReference`, '`service` is a reference to the service for this webhook. Either `service` or `url` must be specified.'),
  url: str('`url` gives the location of the webhook, in standard URL form (`scheme://host:port/path`). Exactly one of `url` or `service` must be specified.'),
}, { description: 'WebhookClientConfig contains the information to make a TLS connection with the webhook' }));

const common = {
  admissionReviewVersions: arr(str(), { description: 'AdmissionReviewVersions is an ordered list of preferred `AdmissionReview` versions the Webhook expects. API server will try to use first version in the list which it supports.', listType: 'atomic' }),
  clientConfig: ref(`${AR}.WebhookClientConfig`, 'ClientConfig defines how to communicate with the hook. Required'),
  failurePolicy: enumOf(['Fail', 'Ignore'], 'FailurePolicy defines how unrecognized errors from the admission endpoint are handled - allowed values are Ignore or Fail. Defaults to Fail.'),
  matchConditions: keyedList(ref(`${AR}.MatchCondition`), 'name', 'MatchConditions is a list of conditions that must be met for a request to be sent to this webhook. Match conditions filter requests that have already been matched by the rules, namespaceSelector, and objectSelector.'),
  matchPolicy: enumOf(['Exact', 'Equivalent'], 'matchPolicy defines how the "rules" list is used to match incoming requests. Allowed values are "Exact" or "Equivalent". Defaults to "Equivalent"'),
  name: str('The name of the admission webhook. Name should be fully qualified, e.g., imagepolicy.kubernetes.io. Required.'),
  namespaceSelector: labelSelector('NamespaceSelector decides whether to run the webhook on an object based on whether the namespace for that object matches the selector. Default to the empty LabelSelector, which matches everything.'),
  objectSelector: labelSelector('ObjectSelector decides whether to run the webhook based on if the object has matching labels. Default to the empty LabelSelector, which matches everything.'),
  rules: arr(ref(`${AR}.RuleWithOperations`), { description: 'Rules describes what operations on what resources/subresources the webhook cares about. The webhook cares about an operation if it matches _any_ Rule.', listType: 'atomic' }),
  sideEffects: str('SideEffects states whether this webhook has side effects. Acceptable values are: None, NoneOnDryRun.'),
  timeoutSeconds: int32('TimeoutSeconds specifies the timeout for this webhook. The timeout value must be between 1 and 30 seconds. Default to 10 seconds.'),
};

define(`${AR}.ValidatingWebhook`, obj(common, { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'], description: 'ValidatingWebhook describes an admission webhook and the resources and operations it applies to.' }));

define(`${AR}.MutatingWebhook`, obj({
  ...common,
  reinvocationPolicy: enumOf(['Never', 'IfNeeded'], 'reinvocationPolicy indicates whether this webhook should be called multiple times as part of a single admission evaluation. Allowed values are "Never" and "IfNeeded". Defaults to "Never".'),
}, { required: ['name', 'clientConfig', 'sideEffects', 'admissionReviewVersions'], description: 'MutatingWebhook describes an admission webhook and the resources and operations it applies to.' }));

for (const [kind, hook, description] of [
  ['ValidatingWebhookConfiguration', 'ValidatingWebhook', 'ValidatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and object without changing it.'],
  ['MutatingWebhookConfiguration', 'MutatingWebhook', 'MutatingWebhookConfiguration describes the configuration of and admission webhook that accept or reject and may change the object.'],
] as const) {
  define(`${AR}.${kind}`, obj({
    apiVersion: apiVersionField(),
    kind: kindField(),
    metadata: objectMeta(),
    webhooks: keyedList(ref(`${AR}.${hook}`), 'name', 'Webhooks is a list of webhooks and the affected resources and operations.'),
  }, { description }));
  defineList(kind);
}
