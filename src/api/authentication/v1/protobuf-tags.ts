// Protocol-buffer field numbers of the authentication.k8s.io/v1 messages, from upstream's
// k8s.io/api/authentication/v1/generated.proto. Only request decoding uses them: see
// src/api/schema/protobuf-tags.ts. UserInfo.extra (a map of the ExtraValue wrapper message)
// is left out: only responses carry it, and an unknown field is skipped.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const A = 'io.k8s.api.authentication.v1';

defineProtoTags(`${A}.BoundObjectReference`, { kind: 1, apiVersion: 2, name: 3, uid: 4 });
defineProtoTags(`${A}.TokenRequestSpec`, { audiences: 1, boundObjectRef: 3, expirationSeconds: 4 });
defineProtoTags(`${A}.TokenRequestStatus`, { token: 1, expirationTimestamp: 2 }, { omitEmpty: ['token'] });
defineProtoTags(`${A}.TokenRequest`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${A}.UserInfo`, { username: 1, uid: 2, groups: 3 }, { omitEmpty: ['username', 'uid'] });
defineProtoTags(`${A}.TokenReviewSpec`, { token: 1, audiences: 2 }, { omitEmpty: ['token'] });
defineProtoTags(`${A}.TokenReviewStatus`, { authenticated: 1, user: 2, error: 3, audiences: 4 }, { omitEmpty: ['authenticated', 'error'] });
defineProtoTags(`${A}.TokenReview`, { metadata: 1, spec: 2, status: 3 });
defineProtoTags(`${A}.SelfSubjectReviewStatus`, { userInfo: 1 });
defineProtoTags(`${A}.SelfSubjectReview`, { metadata: 1, status: 2 });
