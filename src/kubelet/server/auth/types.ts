// The shapes the kubelet API's guard works with: who is asking (and by which credential) and
// what they ask for, in the API server's terms (resource nodes, a subresource, the node's name).
import type { IncomingMessage } from 'node:http';

export interface KubeletUser {
  name: string;
  groups: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

/** Which credential proved the user: the certificate rule for streams depends on it. */
export type CredentialKind = 'x509' | 'token';

export interface Authenticated {
  user: KubeletUser;
  via: CredentialKind;
}

export interface KubeletAuthenticator {
  /** Undefined when the request carries no credential that proves a user. */
  authenticate(req: IncomingMessage): Promise<Authenticated | undefined>;
}

/** One authorization question, as the SubjectAccessReview the kubelet sends for it. */
export interface NodeAttributes {
  user: KubeletUser;
  verb: string;
  resource: 'nodes';
  subresource: string;
  /** The node's name. */
  name: string;
}

export interface KubeletAuthorizer {
  /** Rejects when the answer could not be had (the API is unreachable): that is a 500, not a 403. */
  authorize(a: NodeAttributes): Promise<{ allowed: boolean; reason?: string }>;
}
