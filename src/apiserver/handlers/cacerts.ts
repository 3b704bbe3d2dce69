// GET /cacerts: the cluster's CA bundle, to anyone, as k3s serves it. It is no secret; a joiner
// trusts it only when its hash matches the one in its join token (cluster/ca-discovery.ts).
export const CACERTS_PATH = '/cacerts';
