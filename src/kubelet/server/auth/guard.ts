// The kubelet API's door: every request (plain or upgrade) is authenticated, then authorized
// against nodes/<subresource> of this node, before any handler sees it. The texts are upstream's
// (pkg/kubelet/server/server.go's InstallAuthFilter).
import type { IncomingMessage } from 'node:http';
import { firstSegment, requestAttributes } from './attributes.js';
import type { Authenticated, KubeletAuthenticator, KubeletAuthorizer } from './types.js';

export type GuardVerdict = { ok: true; who: Authenticated } | { ok: false; code: number; text: string };

/**
 * Paths that run code in or open a connection into a container. k8ts only lets a client
 * certificate (in practice the API server's kubelet-client identity) use them; upstream lets any
 * user allowed nodes/proxy in, a bearer token included.
 */
const CERTIFICATE_ONLY = new Set(['exec', 'attach', 'portForward', 'run']);

export function needsClientCertificate(path: string): boolean {
  const head = firstSegment(path);
  return head !== undefined && CERTIFICATE_ONLY.has(head);
}

export interface KubeletGuardOptions {
  authenticator: KubeletAuthenticator;
  authorizer: KubeletAuthorizer;
  nodeName: string;
  log?: (line: string) => void;
}

export class KubeletGuard {
  constructor(private readonly o: KubeletGuardOptions) {}

  async check(req: IncomingMessage, path: string): Promise<GuardVerdict> {
    let who: Authenticated | undefined;
    try {
      who = await this.o.authenticator.authenticate(req);
    } catch (err) {
      this.o.log?.(`kubelet API: unable to authenticate the request: ${err instanceof Error ? err.message : String(err)}`);
      who = undefined;
    }
    if (!who) return { ok: false, code: 401, text: 'Unauthorized' };
    const attrs = requestAttributes(who.user, req.method, path, this.o.nodeName);
    let allowed = false;
    for (const a of attrs) {
      try {
        if ((await this.o.authorizer.authorize(a)).allowed) {
          allowed = true;
          break;
        }
      } catch (err) {
        this.o.log?.(`kubelet API: authorization error (user=${a.user.name}, subresource=${a.subresource}): ${err instanceof Error ? err.message : String(err)}`);
        return { ok: false, code: 500, text: `Authorization error (user=${a.user.name}, verb=${a.verb}, resource=${a.resource}, subresource=${a.subresource})` };
      }
    }
    const first = attrs[0]!;
    const denial = `Forbidden (user=${first.user.name}, verb=${first.verb}, resource=${first.resource}, subresource(s)=[${attrs.map((a) => a.subresource).join(' ')}])`;
    if (!allowed) return { ok: false, code: 403, text: `${denial}\n` };
    if (who.via !== 'x509' && needsClientCertificate(path)) {
      return { ok: false, code: 403, text: `${denial}: exec, attach and port-forward require a client certificate\n` };
    }
    return { ok: true, who };
  }
}
