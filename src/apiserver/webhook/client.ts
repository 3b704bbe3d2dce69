// The one client the API server calls webhooks with (admission and CRD conversion): a
// WebhookClientConfig's url, or its Service resolved to a ready endpoint (the aggregator's
// resolver), over TLS verified against the caBundle (system roots without one), a keep-alive
// pool per configuration, the webhook's timeout as a deadline on the whole call. Failures read
// as client-go's do (`Post "https://svc.ns.svc:443/path?timeout=10s": …`), because upstream's
// error texts embed them.
import { Agent, request } from 'node:https';
import type { WebhookClientConfig } from '../../api/admissionregistration/v1/types.js';
import { parseCaBundle } from '../../util/client-cert.js';
import { hostPort, resolveService, type ServiceLookup } from '../aggregator/resolve.js';

export type { WebhookClientConfig };

export type CallResult =
  | { ok: true; body: unknown }
  /** `config`: no request was made (upstream's "could not get REST client"); `call`: the POST failed. */
  | { ok: false; stage: 'config' | 'call'; message: string };

const MAX_AGENTS = 256;
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** Go's rendering of a Duration of whole seconds, as client-go puts it in `?timeout=`. */
function goSeconds(s: number): string {
  return `${s}s`;
}

/** Node's connection and TLS failures in the words of Go's net and crypto/tls packages. */
function goNetError(err: NodeJS.ErrnoException, host: string, port: number, serverName: string): string {
  const where = hostPort(host, port);
  switch (err.code) {
    case 'ECONNREFUSED': return `dial tcp ${where}: connect: connection refused`;
    case 'EHOSTUNREACH': return `dial tcp ${where}: connect: no route to host`;
    case 'ENETUNREACH': return `dial tcp ${where}: connect: network is unreachable`;
    case 'ENOTFOUND': case 'EAI_AGAIN': return `dial tcp: lookup ${host}: no such host`;
    case 'ECONNRESET': return `read tcp ${where}: read: connection reset by peer`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE': case 'SELF_SIGNED_CERT_IN_CHAIN': case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY': case 'UNABLE_TO_GET_ISSUER_CERT': case 'CERT_SIGNATURE_FAILURE':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED': return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID': return `tls: failed to verify certificate: x509: certificate is not valid for ${serverName}`;
    default: return err.message;
  }
}

/** The PEM bundle, or upstream's error for one that holds no certificate (Go's AppendCertsFromPEM). */
function caOf(caBundle: string | undefined): { ok: true; ca?: string } | { ok: false; message: string } {
  if (!caBundle) return { ok: true };
  const certs = parseCaBundle(Buffer.from(caBundle, 'base64').toString('utf8'));
  if (!certs.length) return { ok: false, message: 'unable to load root certificates: unable to parse bytes as PEM block' };
  return { ok: true, ca: certs.map((c) => c.toString()).join('\n') };
}

interface Target {
  /** What the error texts show: the configured URL or `https://<svc>.<ns>.svc:<port><path>`. */
  shownUrl: string;
  host: string;
  port: number;
  path: string;
  serverName: string;
  /** Why a Service has no endpoint to call. */
  unresolved?: string;
}

export class WebhookClient {
  private readonly agents = new Map<string, Agent>();

  constructor(private readonly services: ServiceLookup) {}

  /** POSTs `body` as JSON and parses the JSON answer, within `timeoutSeconds` in all. */
  post(config: WebhookClientConfig, body: unknown, timeoutSeconds: number): Promise<CallResult> {
    const ca = caOf(config.caBundle);
    if (!ca.ok) return Promise.resolve({ ok: false, stage: 'config', message: ca.message });
    const target = this.target(config);
    const query = `timeout=${goSeconds(timeoutSeconds)}`;
    const shown = `Post "${target.shownUrl}${target.shownUrl.includes('?') ? '&' : '?'}${query}"`;
    if (target.unresolved) return Promise.resolve({ ok: false, stage: 'call', message: `${shown}: ${target.unresolved}` });
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve) => {
      let settled = false;
      const done = (r: CallResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(r);
      };
      const req = request({
        host: target.host,
        port: target.port,
        servername: target.serverName,
        path: `${target.path}${target.path.includes('?') ? '&' : '?'}${query}`,
        method: 'POST',
        ca: ca.ca,
        agent: this.agentFor(config),
        headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': payload.length, host: hostPort(target.serverName, target.port) },
      }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            done({ ok: false, stage: 'call', message: `${shown}: response body too large` });
            return;
          }
          chunks.push(d);
        });
        res.on('error', (err) => done({ ok: false, stage: 'call', message: `${shown}: ${err.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code >= 300) return done({ ok: false, stage: 'call', message: `an error on the server (${JSON.stringify(text.trim() || 'unknown')}) has prevented the request from succeeding` });
          try {
            done({ ok: true, body: JSON.parse(text) });
          } catch (err) {
            done({ ok: false, stage: 'call', message: `couldn't get version/kind; json parse error: ${(err as Error).message}` });
          }
        });
      });
      const deadline = setTimeout(() => {
        done({ ok: false, stage: 'call', message: `${shown}: context deadline exceeded` });
        req.destroy();
      }, timeoutSeconds * 1000);
      req.on('error', (err) => done({ ok: false, stage: 'call', message: `${shown}: ${goNetError(err as NodeJS.ErrnoException, target.host, target.port, target.serverName)}` }));
      req.end(payload);
    });
  }

  /** Closes the pooled connections (server shutdown). */
  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private target(config: WebhookClientConfig): Target {
    if (config.url) {
      const u = new URL(config.url);
      const port = u.port ? Number(u.port) : 443;
      const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
      return { shownUrl: config.url, host, port, path: `${u.pathname}${u.search}`, serverName: host };
    }
    const s = config.service!;
    const port = s.port ?? 443;
    const path = s.path || '/';
    const shownUrl = `https://${s.name}.${s.namespace}.svc:${port}${path}`;
    const r = resolveService({ namespace: s.namespace, name: s.name, port }, this.services);
    if (!r.ok) return { shownUrl, host: '', port, path, serverName: '', unresolved: r.message };
    return { shownUrl, host: r.host, port: r.port, path, serverName: r.serverName };
  }

  private agentFor(config: WebhookClientConfig): Agent {
    const key = JSON.stringify([config.url ?? '', config.service ?? null, config.caBundle ?? '']);
    let a = this.agents.get(key);
    if (!a) {
      // Configurations come and go: the pools are bounded, the oldest closed first.
      if (this.agents.size >= MAX_AGENTS) {
        const [oldKey, old] = this.agents.entries().next().value as [string, Agent];
        old.destroy();
        this.agents.delete(oldKey);
      }
      a = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 60_000 });
      this.agents.set(key, a);
    }
    return a;
  }
}
