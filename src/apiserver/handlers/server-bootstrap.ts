// POST /v1-k8ts/server-bootstrap: what a server joining the cluster (`k8ts server --server URL
// --token T`) needs to serve it, as k3s's /v1-k3s/server-bootstrap hands it over: the cluster CA
// and its key, the service-account signing key, the etcd CA, the front-proxy CA, the admin token,
// and the etcd members to join. Only holders of the server token may ask (RBAC: the k8ts:servers
// group); the agent token and bootstrap tokens may not. The answer is built by the cluster layer,
// which holds the secrets; this handler only checks the method and answers.
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { KeyPairPem } from './node-credentials.js';
import { errors } from '../errors.js';
import { sendJson } from '../http/respond.js';

export const SERVER_BOOTSTRAP_PATH = '/v1-k8ts/server-bootstrap';
/** The group the server token authenticates in. */
export const SERVERS_GROUP = 'k8ts:servers';

export interface ServerBootstrap {
  ca: KeyPairPem;
  serviceAccountKey: string;
  etcdCa?: KeyPairPem;
  /** The aggregation layer's front-proxy CA, one for the whole cluster. */
  requestHeaderCa?: KeyPairPem;
  adminToken: string;
  /** The etcd members (name and peer URLs), for the joiner's --initial-cluster. */
  etcdMembers?: { name: string; peerURLs: string[]; clientURLs: string[] }[];
}

export type ServerBootstrapSource = () => Promise<ServerBootstrap>;

export async function serveServerBootstrap(source: ServerBootstrapSource, req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
  if (req.method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  sendJson(res, 200, await source());
}
