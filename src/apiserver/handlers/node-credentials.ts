// POST /v1-k8ts/node-credentials: a joining agent, authenticated by the join token (group
// system:bootstrappers), trades it for the certificates of the components that run beside its
// kubelet (service proxy, DNS, the network controllers), as k3s agents fetch theirs. The
// kubelet's own certificate is not among them: it comes through a CertificateSigningRequest
// (TLS bootstrapping), so that its key never leaves the node. The certificates come from the
// cluster layer, which holds the CA; this handler only validates and answers.
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { isDNS1123Subdomain } from '../../api/validation/names.js';
import { errors } from '../errors.js';
import { readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';

export const NODE_CREDENTIALS_PATH = '/v1-k8ts/node-credentials';

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface NodeCredentials {
  ca: string;
  proxy: KeyPairPem;
  dns: KeyPairPem;
  /** system:k8ts-controller: the node's NetworkPolicy enforcer and ingress controller. */
  controller: KeyPairPem;
}

export interface SimAgentCredentials {
  ca: string;
  agent: KeyPairPem;
}

export interface NodeCredentialIssuer {
  node(nodeName: string): Promise<NodeCredentials>;
  /**
   * One certificate for an agent of simulated nodes (`k8ts agent --runtime sim --server --token`):
   * thousands of nodes can't each hold a connection of their own, as kwok's nodes don't.
   */
  simAgent(): Promise<SimAgentCredentials>;
}

export async function serveNodeCredentials(issue: NodeCredentialIssuer, req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
  if (req.method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, 4096)).toString('utf8'));
  } catch {
    throw errors.badRequest('the body must be a JSON object: {"nodeName": "<name>"} or {"simAgent": true}');
  }
  if ((body as { simAgent?: unknown } | null)?.simAgent === true) return sendJson(res, 200, await issue.simAgent());
  const nodeName = (body as { nodeName?: unknown } | null)?.nodeName;
  if (typeof nodeName !== 'string') throw errors.badRequest('nodeName: Required value');
  const problems = isDNS1123Subdomain(nodeName);
  if (problems.length) throw errors.badRequest(`nodeName: Invalid value: ${JSON.stringify(nodeName)}: ${problems.join('; ')}`);
  sendJson(res, 200, await issue.node(nodeName));
}
