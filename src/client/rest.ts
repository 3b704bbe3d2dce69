// A REST client for the Kubernetes API: JSON in and out, Status errors as exceptions,
// watches as streams of events. Everything outside the API server reaches the cluster
// through this.
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeObject, Status } from '../api/meta/types.js';
import type { ClientConfig } from './kubeconfig.js';

export class ApiStatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? `HTTP ${status.code}`);
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchHandle {
  stop(): void;
  /** Resolves when the stream ends (server timeout, error, or stop()). */
  done: Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
}

/**
 * What informers, recorders and controllers need of a client: RestClient is the real one,
 * client/testing's FakeClient records the writes of white-box tests.
 */
export type ApiClient = Pick<RestClient, 'request' | 'get' | 'create' | 'update' | 'patch' | 'delete' | 'watch'>;

/** How long connections made with a replaced client certificate may finish what they do. */
const OLD_CERTIFICATE_GRACE_MS = 60_000;

export class RestClient {
  private agentValue: Agent;
  private agentCert: string | undefined;
  private readonly retired = new Set<Agent>();
  private readonly url: URL;

  constructor(private readonly config: ClientConfig, readonly userAgent = 'k8ts') {
    this.url = new URL(config.server);
    const cred = config.certSource?.() ?? { certPem: config.certPem, keyPem: config.keyPem };
    this.agentValue = this.newAgent(cred.certPem, cred.keyPem);
    this.agentCert = cred.certPem;
  }

  private newAgent(cert: string | undefined, key: string | undefined): Agent {
    return new Agent({ keepAlive: true, maxSockets: 32, ca: this.config.caPem, cert, key, rejectUnauthorized: !this.config.insecureSkipTlsVerify });
  }

  /**
   * The connection pool for the current client certificate. When it has rotated, new requests
   * use a new pool; the old one is closed after a grace period, which also ends the watches it
   * carries so that they reconnect under the new certificate, as client-go's rotating transport does.
   */
  private get agent(): Agent {
    const source = this.config.certSource;
    if (!source) return this.agentValue;
    const cred = source();
    if (cred.certPem === this.agentCert) return this.agentValue;
    const old = this.agentValue;
    this.retired.add(old);
    setTimeout(() => {
      old.destroy();
      this.retired.delete(old);
    }, OLD_CERTIFICATE_GRACE_MS).unref();
    this.agentValue = this.newAgent(cred.certPem, cred.keyPem);
    this.agentCert = cred.certPem;
    return this.agentValue;
  }

  close(): void {
    this.agentValue.destroy();
    for (const a of this.retired) a.destroy();
    this.retired.clear();
  }

  private open(method: string, path: string, opts: RequestOptions, onResponse: (res: IncomingMessage) => void, onError: (err: Error) => void): () => void {
    const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers: Record<string, string | number> = { Accept: 'application/json', 'User-Agent': this.userAgent };
    const token = this.config.tokenSource ? this.config.tokenSource() : this.config.token;
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const req = request(
      { agent: this.agent, host: this.url.hostname.replace(/^\[|\]$/g, ''), port: this.url.port || 443, method, path, headers, servername: this.url.hostname.match(/^[\d.]+$|:/) ? undefined : this.url.hostname, timeout: opts.timeoutMs },
      onResponse,
    );
    req.on('error', onError);
    req.on('timeout', () => req.destroy(new Error(`request ${method} ${path} timed out`)));
    if (payload) req.write(payload);
    req.end();
    return () => req.destroy();
  }

  /** One request; resolves to the decoded JSON body, rejects with ApiStatusError on >= 400. */
  request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    return new Promise((resolve, reject) => {
      this.open(
        method,
        path,
        { timeoutMs: 60_000, ...opts },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // Non-JSON bodies (health endpoints) come back as text.
            }
            const code = res.statusCode ?? 0;
            if (code >= 400) {
              const st = body && typeof body === 'object' && (body as Status).kind === 'Status' ? (body as Status) : ({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', code, message: String(text).slice(0, 500) } as Status);
              reject(new ApiStatusError(st));
            } else resolve(body as T);
          });
        },
        reject,
      );
    });
  }

  get<T = KubeObject>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  create<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }
  update<T = KubeObject>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }
  patch<T = KubeObject>(path: string, body: unknown, type = 'application/merge-patch+json'): Promise<T> {
    return this.request<T>('PATCH', path, { body, contentType: type });
  }
  delete<T = unknown>(path: string, options?: Record<string, unknown>): Promise<T> {
    return this.request<T>('DELETE', path, options ? { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...options } } : {});
  }

  /** Stream watch events from a path that already carries ?watch=1 and its options. */
  watch<T = KubeObject>(path: string, onEvent: (ev: WatchEvent<T>) => void): WatchHandle {
    let cancel: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      cancel = this.open(
        'GET',
        path,
        {},
        (res) => {
          if ((res.statusCode ?? 0) >= 400) {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => {
              try {
                onEvent({ type: 'ERROR', object: JSON.parse(text) as T });
              } catch {
                onEvent({ type: 'ERROR', object: { kind: 'Status', code: res.statusCode, message: text } as T });
              }
              resolve();
            });
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            buf += d;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (line) onEvent(JSON.parse(line) as WatchEvent<T>);
            }
          });
          res.on('end', () => resolve());
          res.on('error', () => resolve());
          res.on('close', () => resolve());
        },
        () => resolve(),
      );
    });
    return { stop: () => cancel(), done };
  }
}
