// Requests without credentials, when anonymous requests are enabled: the user
// system:anonymous in system:unauthenticated, as upstream's anonymous authenticator.
import type { UserInfo } from './token.js';

export const ANONYMOUS_USER: UserInfo = Object.freeze({ name: 'system:anonymous', groups: Object.freeze(['system:unauthenticated']) as string[] });
