// The API server's proxy to kubelets.
export { KubeletProxy, kubeletLogError, type ProxyContext } from './kubelet-proxy.js';
export { kubeletEndpoint, DEFAULT_KUBELET_PORT, type KubeletClientCert, type KubeletEndpoint } from './kubelet-endpoint.js';
