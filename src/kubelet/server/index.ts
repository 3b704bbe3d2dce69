// The kubelet's HTTPS API: server, its dependencies, and its certificate.
export { startKubeletServer, type KubeletServer, type KubeletServerOptions } from './server.js';
export type { KubeletServerDeps, RemoteCommandOptions, StreamingHandlers } from './deps.js';
export { ensureKubeletServingCert } from './serving-cert.js';
export { apiBackedAuth, type ApiAuthOptions, type KubeletAuthenticator, type KubeletAuthorizer } from './auth/index.js';
