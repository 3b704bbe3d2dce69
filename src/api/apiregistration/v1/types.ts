// apiregistration.k8s.io/v1 APIService: a group/version the API server serves itself (no
// service) or proxies to an extension API server behind a Service (the aggregation layer).
import type { KubeObject } from '../../meta/types.js';

export interface ServiceReference {
  namespace?: string;
  name?: string;
  /** Defaults to 443. */
  port?: number;
}

export interface APIServiceSpec {
  /** Null for a local APIService: served by this API server. */
  service?: ServiceReference | null;
  group?: string;
  version?: string;
  insecureSkipTLSVerify?: boolean;
  /** PEM bundle (base64 in JSON, as []byte) that verifies the backend's serving certificate. */
  caBundle?: string;
  groupPriorityMinimum: number;
  versionPriority: number;
}

export interface APIServiceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface APIServiceStatus {
  conditions?: APIServiceCondition[];
}

export interface APIService extends KubeObject {
  spec?: APIServiceSpec;
  status?: APIServiceStatus;
}

/** `<version>.<group>`, the name an APIService must have. */
export function apiServiceName(group: string, version: string): string {
  return `${version}.${group}`;
}
