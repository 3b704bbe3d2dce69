// OpenAPI-shaped definitions of authentication.k8s.io/v1: TokenRequest and TokenReview.
import '../../schema/meta.js';
import { arr, bool, define, int64, mapOf, obj, ref, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const AUTHN = 'io.k8s.api.authentication.v1';

define(
  `${AUTHN}.BoundObjectReference`,
  obj(
    {
      apiVersion: str('API version of the referent.'),
      kind: str("Kind of the referent. Valid kinds are 'Pod', 'Secret' and 'Node'."),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
    },
    { description: 'A reference to an object that a token is bound to.' },
  ),
);
define(
  `${AUTHN}.TokenRequestSpec`,
  obj(
    {
      audiences: arr(str(), { listType: 'atomic', description: 'The intended audiences of the token; a recipient must identify itself with one of them.' }),
      boundObjectRef: ref(`${AUTHN}.BoundObjectReference`, 'The object the token is bound to: it is valid only as long as that object exists.'),
      expirationSeconds: int64('The requested duration of validity; the issuer may return a different one.'),
    },
    { required: ['audiences'], description: 'The parameters a client gives for a token request.' },
  ),
);
define(
  `${AUTHN}.TokenRequestStatus`,
  obj(
    {
      expirationTimestamp: time('When the returned token expires.'),
      token: str('The opaque bearer token.'),
    },
    { required: ['token', 'expirationTimestamp'], description: 'The result of a token request.' },
  ),
);
define(
  `${AUTHN}.TokenRequest`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${AUTHN}.TokenRequestSpec`, 'The parameters of the request.'),
      status: ref(`${AUTHN}.TokenRequestStatus`, 'Filled in by the server: the token and its expiry.'),
    },
    { required: ['spec'], description: 'Requests a token for a given service account.' },
  ),
);
define(
  `${AUTHN}.UserInfo`,
  obj(
    {
      extra: mapOf(arr(str()), 'Additional information provided by the authenticator.'),
      groups: arr(str(), { listType: 'atomic', description: 'The groups this user is a part of.' }),
      uid: str('A value that identifies this user across time.'),
      username: str('The name that uniquely identifies this user among all active users.'),
    },
    { description: 'The information about a user needed to implement the user.Info interface.' },
  ),
);
define(
  `${AUTHN}.TokenReviewSpec`,
  obj(
    {
      audiences: arr(str(), { listType: 'atomic', description: 'Identifiers the resource server presented with the token identifies as.' }),
      token: str('The opaque bearer token.'),
    },
    { description: 'The token to authenticate.' },
  ),
);
define(
  `${AUTHN}.TokenReviewStatus`,
  obj(
    {
      audiences: arr(str(), { listType: 'atomic', description: 'The audiences, of those asked for, the token is valid for.' }),
      authenticated: bool('Whether the token is associated with a known user.'),
      error: str("Why the token couldn't be checked."),
      user: ref(`${AUTHN}.UserInfo`, 'The user the token belongs to.'),
    },
    { description: 'The result of a token authentication request.' },
  ),
);
define(
  `${AUTHN}.TokenReview`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${AUTHN}.TokenReviewSpec`, 'The token being evaluated.'),
      status: ref(`${AUTHN}.TokenReviewStatus`, 'Filled in by the server: whether the token authenticates, and as whom.'),
    },
    { required: ['spec'], description: 'Attempts to authenticate a token to a known user.' },
  ),
);
define(
  `${AUTHN}.SelfSubjectReviewStatus`,
  obj({ userInfo: ref(`${AUTHN}.UserInfo`, 'The user the request was authenticated as.') }, { description: 'Filled in by the server with the user attributes.' }),
);
define(
  `${AUTHN}.SelfSubjectReview`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      status: ref(`${AUTHN}.SelfSubjectReviewStatus`, 'Filled in by the server: the user attributes.'),
    },
    { description: 'Returns the user attributes the API server gives the request after authentication and impersonation.' },
  ),
);
