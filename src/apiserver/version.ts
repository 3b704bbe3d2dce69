/** The Kubernetes release whose API k8ts serves. */
export const KUBERNETES_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+k8ts' };
