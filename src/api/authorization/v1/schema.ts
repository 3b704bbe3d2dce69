// OpenAPI-shaped definitions of authorization.k8s.io/v1: the access and rules reviews.
import '../../schema/meta.js';
import { arr, bool, define, mapOf, obj, ref, str } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const AUTHZ = 'io.k8s.api.authorization.v1';

define(
  `${AUTHZ}.ResourceAttributes`,
  obj(
    {
      group: str('The API group of the resource. "*" means all.'),
      name: str('The name of the resource being requested; empty means all.'),
      namespace: str('The namespace of the action; empty means all namespaces for namespaced resources.'),
      resource: str('One of the existing resource types. "*" means all.'),
      subresource: str('One of the existing subresources; empty means none.'),
      verb: str('A resource API verb: get, list, watch, create, update, delete, proxy. "*" means all.'),
      version: str('The API version of the resource. "*" means all.'),
    },
    { description: 'The authorization attributes of a resource request.' },
  ),
);
define(
  `${AUTHZ}.NonResourceAttributes`,
  obj({ path: str('The URL path of the request.'), verb: str('The standard HTTP verb.') }, { description: 'The authorization attributes of a non-resource request.' }),
);
const attributes = {
  nonResourceAttributes: ref(`${AUTHZ}.NonResourceAttributes`, 'The attributes of a non-resource request.'),
  resourceAttributes: ref(`${AUTHZ}.ResourceAttributes`, 'The attributes of a resource request.'),
};
define(
  `${AUTHZ}.SubjectAccessReviewSpec`,
  obj(
    {
      ...attributes,
      extra: mapOf(arr(str()), "The user's extra attributes, as the authenticator gives them."),
      groups: arr(str(), { listType: 'atomic', description: 'The groups to test for.' }),
      uid: str('The UID of the user to test for.'),
      user: str('The user to test for.'),
    },
    { description: 'The access request. Exactly one of resourceAttributes and nonResourceAttributes must be set.' },
  ),
);
define(`${AUTHZ}.SelfSubjectAccessReviewSpec`, obj(attributes, { description: 'The access request. Exactly one of resourceAttributes and nonResourceAttributes must be set.' }));
define(
  `${AUTHZ}.SubjectAccessReviewStatus`,
  obj(
    {
      allowed: bool('Whether the action would be allowed.'),
      denied: bool('Whether the action would be denied; neither allowed nor denied means no opinion.'),
      evaluationError: str('An error that occurred during the authorization check.'),
      reason: str('Why the request was allowed or denied.'),
    },
    { required: ['allowed'], description: 'Whether the request is allowed.' },
  ),
);
define(
  `${AUTHZ}.ResourceRule`,
  obj(
    {
      apiGroups: arr(str(), { listType: 'atomic', description: 'The API groups of the resources.' }),
      resourceNames: arr(str(), { listType: 'atomic', description: 'The names the rule is limited to.' }),
      resources: arr(str(), { listType: 'atomic', description: 'The resources the rule applies to.' }),
      verbs: arr(str(), { listType: 'atomic', description: 'The verbs allowed.' }),
    },
    { required: ['verbs'], description: 'Actions the subject may perform on resources.' },
  ),
);
define(
  `${AUTHZ}.NonResourceRule`,
  obj(
    {
      nonResourceURLs: arr(str(), { listType: 'atomic', description: 'The partial URLs the rule applies to.' }),
      verbs: arr(str(), { listType: 'atomic', description: 'The verbs allowed.' }),
    },
    { required: ['verbs'], description: 'Actions the subject may perform on non-resource URLs.' },
  ),
);
define(
  `${AUTHZ}.SubjectRulesReviewStatus`,
  obj(
    {
      evaluationError: str('Why the rules could not all be evaluated.'),
      incomplete: bool('Whether the rules may be incomplete (an authorizer cannot enumerate them).'),
      nonResourceRules: arr(ref(`${AUTHZ}.NonResourceRule`), { listType: 'atomic', description: 'What the subject may do on non-resource URLs.' }),
      resourceRules: arr(ref(`${AUTHZ}.ResourceRule`), { listType: 'atomic', description: 'What the subject may do on resources.' }),
    },
    { required: ['resourceRules', 'nonResourceRules', 'incomplete'], description: 'The actions a subject may perform.' },
  ),
);
define(`${AUTHZ}.SelfSubjectRulesReviewSpec`, obj({ namespace: str('The namespace to evaluate rules for.') }, { description: 'The namespace of a rules review.' }));

function review(name: string, spec: string, status: string, description: string): void {
  define(
    `${AUTHZ}.${name}`,
    obj(
      {
        apiVersion: apiVersionField(),
        kind: kindField(),
        metadata: objectMeta(),
        spec: ref(`${AUTHZ}.${spec}`, 'The request being evaluated.'),
        status: ref(`${AUTHZ}.${status}`, 'Filled in by the server.'),
      },
      { required: ['spec'], description },
    ),
  );
}

review('SubjectAccessReview', 'SubjectAccessReviewSpec', 'SubjectAccessReviewStatus', 'Checks whether a user or group can perform an action.');
review('LocalSubjectAccessReview', 'SubjectAccessReviewSpec', 'SubjectAccessReviewStatus', 'Checks whether a user or group can perform an action in a given namespace.');
review('SelfSubjectAccessReview', 'SelfSubjectAccessReviewSpec', 'SubjectAccessReviewStatus', 'Checks whether the current user can perform an action.');
review('SelfSubjectRulesReview', 'SelfSubjectRulesReviewSpec', 'SubjectRulesReviewStatus', 'Enumerates the actions the current user can perform within a namespace.');
