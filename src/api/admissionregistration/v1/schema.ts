// Schema of admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding, under upstream's definition names.
import { arr, define, enumOf, int64, keyedList, obj, ref, setList, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, labelSelector, listMeta, objectMeta } from '../../schema/meta.js';

const AR = 'io.k8s.api.admissionregistration.v1';

define(`${AR}.ParamKind`, obj({
  apiVersion: str('APIVersion is the API group version the resources belong to, in the form "<group>/<version>".'),
  kind: str('Kind is the API kind the resources belong to. Required.'),
}, { description: 'ParamKind is a tuple of Group Kind and Version.' }));

/** The fields of a rule (RuleWithOperations); NamedRuleWithOperations adds resourceNames. */
export const ruleWithOperationsFields = {
  apiGroups: arr(str(), { description: "APIGroups is the API groups the resources belong to. '*' is all groups.", listType: 'atomic' }),
  apiVersions: arr(str(), { description: "APIVersions is the API versions the resources belong to. '*' is all versions.", listType: 'atomic' }),
  operations: arr(str(), { description: "Operations is the operations the admission hook cares about - CREATE, UPDATE, DELETE, CONNECT or * for all of those operations.", listType: 'atomic' }),
  resources: arr(str(), { description: "Resources is a list of resources this rule applies to; 'pods/status' names a subresource, '*' all resources, '*/*' all resources and subresources.", listType: 'atomic' }),
  scope: enumOf(['Cluster', 'Namespaced', '*'], 'scope specifies the scope of this rule: "Cluster", "Namespaced" or "*" (default).'),
};

// Properties in the order they had before the fields were shared (alphabetical).
define(`${AR}.NamedRuleWithOperations`, obj(Object.fromEntries(Object.entries({
  resourceNames: arr(str(), { description: 'ResourceNames is an optional white list of names that the rule applies to. An empty set means that everything is allowed.', listType: 'atomic' }),
  ...ruleWithOperationsFields,
}).sort(([x], [y]) => (x < y ? -1 : 1))), { description: 'NamedRuleWithOperations is a tuple of Operations and Resources with ResourceNames.' }));

define(`${AR}.MatchResources`, obj({
  excludeResourceRules: arr(ref(`${AR}.NamedRuleWithOperations`), { description: 'ExcludeResourceRules describes what operations on what resources/subresources the policy should not care about. The exclude rules take precedence over include rules.', listType: 'atomic' }),
  matchPolicy: enumOf(['Exact', 'Equivalent'], 'matchPolicy defines how the "MatchResources" list is used to match incoming requests. Allowed values are "Exact" or "Equivalent" (default).'),
  namespaceSelector: labelSelector('NamespaceSelector decides whether to run the admission control policy on an object based on whether the namespace for that object matches the selector. Default to the empty LabelSelector, which matches everything.'),
  objectSelector: labelSelector('ObjectSelector decides whether to run the validation based on if the object has matching labels. Default to the empty LabelSelector, which matches everything.'),
  resourceRules: arr(ref(`${AR}.NamedRuleWithOperations`), { description: 'ResourceRules describes what operations on what resources/subresources the policy matches. The policy cares about an operation if it matches _any_ Rule.', listType: 'atomic' }),
}, { description: 'MatchResources decides whether to run the admission control policy on an object based on whether it meets the match criteria.', mapType: 'atomic' }));

define(`${AR}.Validation`, obj({
  expression: str('Expression represents the expression which will be evaluated by CEL. Required.'),
  message: str('Message represents the message displayed when validation fails.'),
  messageExpression: str('messageExpression declares a CEL expression that evaluates to the validation failure message that is returned when this rule fails.'),
  reason: str('Reason represents a machine-readable description of why this validation failed: "Unauthorized", "Forbidden", "Invalid" (default) or "RequestEntityTooLarge".'),
}, { required: ['expression'], description: 'Validation specifies the CEL expression which is used to apply the validation.' }));

define(`${AR}.AuditAnnotation`, obj({
  key: str('key specifies the audit annotation key. The audit annotation keys of a ValidatingAdmissionPolicy must be unique.'),
  valueExpression: str('valueExpression represents the expression which is evaluated by CEL to produce an audit annotation value.'),
}, { required: ['key', 'valueExpression'], description: 'AuditAnnotation describes how to produce an audit annotation for an API request.' }));

define(`${AR}.MatchCondition`, obj({
  expression: str('Expression represents the expression which will be evaluated by CEL. Must evaluate to bool.'),
  name: str('Name is an identifier for this match condition, used for strategic merging of MatchConditions, as well as providing an identifier for logging purposes.'),
}, { required: ['name', 'expression'], description: 'MatchCondition represents a condition which must by fulfilled for a request to be sent to a webhook.' }));

define(`${AR}.Variable`, obj({
  expression: str('Expression is the expression that will be evaluated as the value of the variable.'),
  name: str('Name is the name of the variable. The name must be a valid CEL identifier and unique among all variables. The variable can be accessed in other expressions through `variables`.'),
}, { required: ['name', 'expression'], description: 'Variable is the definition of a variable that is used for composition.', mapType: 'atomic' }));

define(`${AR}.ValidatingAdmissionPolicySpec`, obj({
  auditAnnotations: arr(ref(`${AR}.AuditAnnotation`), { description: 'auditAnnotations contains CEL expressions which are used to produce audit annotations for the audit event of the API request.', listType: 'atomic' }),
  failurePolicy: enumOf(['Fail', 'Ignore'], 'failurePolicy defines how to handle failures for the admission policy. Allowed values are Ignore or Fail. Defaults to Fail.'),
  matchConditions: keyedList(ref(`${AR}.MatchCondition`), 'name', 'MatchConditions is a list of conditions that must be met for a request to be validated. There are a maximum of 64 match conditions allowed.'),
  matchConstraints: ref(`${AR}.MatchResources`, 'MatchConstraints specifies what resources this policy is designed to validate. Required.'),
  paramKind: ref(`${AR}.ParamKind`, 'ParamKind specifies the kind of resources used to parameterize this policy.'),
  validations: arr(ref(`${AR}.Validation`), { description: 'Validations contain CEL expressions which is used to apply the validation.', listType: 'atomic' }),
  variables: arr(ref(`${AR}.Variable`), { description: 'Variables contain definitions of variables that can be used in composition of other expressions.', listType: 'atomic' }),
}, { description: 'ValidatingAdmissionPolicySpec is the specification of the desired behavior of the AdmissionPolicy.' }));

define(`${AR}.ExpressionWarning`, obj({
  fieldRef: str('The path to the field that refers the expression.'),
  warning: str('The content of type checking information in a human-readable form.'),
}, { required: ['fieldRef', 'warning'], description: 'ExpressionWarning is a warning information that targets a specific expression.' }));

define(`${AR}.TypeChecking`, obj({
  expressionWarnings: arr(ref(`${AR}.ExpressionWarning`), { description: 'The type checking warnings for each expression.', listType: 'atomic' }),
}, { description: 'TypeChecking contains results of type checking the expressions in the ValidatingAdmissionPolicy' }));

define(`${AR}.ValidatingAdmissionPolicyStatus`, obj({
  conditions: keyedList(ref('io.k8s.apimachinery.pkg.apis.meta.v1.Condition'), 'type', 'The conditions represent the latest available observations of a policy\'s current state.'),
  observedGeneration: int64('The generation observed by the controller.'),
  typeChecking: ref(`${AR}.TypeChecking`, 'The results of type checking for each expression. Presence of this field indicates the completion of the type checking.'),
}, { description: 'ValidatingAdmissionPolicyStatus represents the status of an admission validation policy.' }));

define(`${AR}.ValidatingAdmissionPolicy`, obj({
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: ref(`${AR}.ValidatingAdmissionPolicySpec`, 'Specification of the desired behavior of the ValidatingAdmissionPolicy.'),
  status: ref(`${AR}.ValidatingAdmissionPolicyStatus`, 'The status of the ValidatingAdmissionPolicy. Populated by the system. Read-only.'),
}, { description: 'ValidatingAdmissionPolicy describes the definition of an admission validation policy that accepts or rejects an object without changing it.' }));

define(`${AR}.ParamRef`, obj({
  name: str('name is the name of the resource being referenced.'),
  namespace: str('namespace is the namespace of the referenced resource.'),
  parameterNotFoundAction: enumOf(['Allow', 'Deny'], '`parameterNotFoundAction` controls the behavior of the binding when the resource exists, and name or selector is valid, but there are no parameters matched by the binding. Allowed values are `Allow` or `Deny`.'),
  selector: labelSelector('selector can be used to match multiple param objects based on their labels.'),
}, { description: 'ParamRef describes how to locate the params to be used as input to expressions of rules applied by a policy binding.', mapType: 'atomic' }));

define(`${AR}.ValidatingAdmissionPolicyBindingSpec`, obj({
  matchResources: ref(`${AR}.MatchResources`, 'MatchResources declares what resources match this binding and will be validated by it.'),
  paramRef: ref(`${AR}.ParamRef`, 'paramRef specifies the parameter resource used to configure the admission control policy.'),
  policyName: str('PolicyName references a ValidatingAdmissionPolicy name which the ValidatingAdmissionPolicyBinding binds to. Required.'),
  validationActions: setList(str(), 'validationActions declares how Validations of the referenced ValidatingAdmissionPolicy are enforced: "Deny", "Warn" and/or "Audit". Required.'),
}, { description: 'ValidatingAdmissionPolicyBindingSpec is the specification of the ValidatingAdmissionPolicyBinding.' }));

define(`${AR}.ValidatingAdmissionPolicyBinding`, obj({
  apiVersion: apiVersionField(),
  kind: kindField(),
  metadata: objectMeta(),
  spec: ref(`${AR}.ValidatingAdmissionPolicyBindingSpec`, 'Specification of the desired behavior of the ValidatingAdmissionPolicyBinding.'),
}, { description: 'ValidatingAdmissionPolicyBinding binds the ValidatingAdmissionPolicy with paramerized resources.' }));

/** `<kind>List` of this group. */
export function defineList(kind: string): void {
  define(`${AR}.${kind}List`, obj({
    apiVersion: apiVersionField(),
    items: arr(ref(`${AR}.${kind}`), { description: `List of ${kind}.` }),
    kind: kindField(),
    metadata: listMeta(),
  }, { required: ['items'], description: `${kind}List is a list of ${kind}.` }));
}

for (const kind of ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']) defineList(kind);
