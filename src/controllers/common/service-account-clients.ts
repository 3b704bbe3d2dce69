// Credentials per controller, as upstream's SAControllerClientBuilder (kube-controller-manager's
// --use-service-account-credentials): each controller writes as ServiceAccount kube-system/<name>,
// so RBAC holds it to its own system:controller:<name> role instead of the controller manager's
// rights. The controller manager's own client creates the account and asks the TokenRequest
// subresource for a bound token, which is renewed well before it expires.
import type { TokenRequest } from '../../api/authentication/v1/types.js';
import { errorMessage, isAlreadyExists } from '../../client/errors.js';
import type { ClientConfig } from '../../client/kubeconfig.js';
import { R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';

export const CONTROLLER_SERVICE_ACCOUNT_NAMESPACE = 'kube-system';
/** upstream's builder asks for one-hour tokens… */
const DEFAULT_EXPIRATION_SECONDS = 3600;
/** …and renews each when 80% of its life has gone. */
const REFRESH_AT = 0.8;

export interface ServiceAccountClientOptions {
  namespace?: string;
  expirationSeconds?: number;
  /** Backoff between failed attempts (default 1 s doubling to 1 min). */
  retry?: { baseDelayMs: number; maxDelayMs: number };
  log?: (line: string) => void;
  now?: () => number;
}

export interface ServiceAccountCredential {
  /**
   * A client configuration acting as the ServiceAccount alone: the bearer token of the moment,
   * never the controller manager's client certificate beside it.
   */
  readonly config: ClientConfig;
  /** Resolves once the first token is in hand; until then attempts repeat with backoff (never rejects). */
  readonly ready: Promise<void>;
}

class BoundToken implements ServiceAccountCredential {
  readonly config: ClientConfig;
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;
  private token: string | undefined;
  private expiresAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly client: Pick<ApiClient, 'create'>,
    base: ClientConfig,
    private readonly name: string,
    private readonly opts: Required<Omit<ServiceAccountClientOptions, 'log'>> & { log: (line: string) => void },
  ) {
    this.config = { server: base.server, caPem: base.caPem, insecureSkipTlsVerify: base.insecureSkipTlsVerify, tokenSource: () => this.current() };
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    void this.renew();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** An expired token would only earn 401s: none is sent then, which fails as plainly. */
  private current(): string | undefined {
    return this.token !== undefined && this.opts.now() < this.expiresAt ? this.token : undefined;
  }

  private async renew(): Promise<void> {
    const { namespace, expirationSeconds, now, retry, log } = this.opts;
    try {
      // Asked every time: a deleted account would leave every later token refused.
      await this.ensureServiceAccount();
      const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds } };
      const answer = await this.client.create<TokenRequest>(resourcePath(R.serviceaccounts, namespace, this.name, 'token'), body);
      const token = answer.status?.token;
      const expiresAt = Date.parse(answer.status?.expirationTimestamp ?? '');
      if (!token || Number.isNaN(expiresAt)) throw new Error('the TokenRequest answer holds no token and expiry');
      if (this.stopped) return;
      const issuedAt = now();
      this.token = token;
      this.expiresAt = expiresAt;
      this.failures = 0;
      this.markReady();
      this.schedule(Math.max(0, (expiresAt - issuedAt) * REFRESH_AT));
    } catch (err) {
      if (this.stopped) return;
      this.failures++;
      const delay = Math.min(retry.baseDelayMs * 2 ** (this.failures - 1), retry.maxDelayMs);
      log(`controller credentials: no token for ${namespace}/${this.name} (attempt ${this.failures}; again in ${delay} ms): ${errorMessage(err)}`);
      this.schedule(delay);
    }
  }

  private async ensureServiceAccount(): Promise<void> {
    const { namespace } = this.opts;
    try {
      await this.client.create(resourcePath(R.serviceaccounts, namespace), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: this.name, namespace } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renew(), ms);
    this.timer.unref?.();
  }
}

export class ServiceAccountClientBuilder {
  private readonly tokens = new Map<string, BoundToken>();
  private readonly opts: Required<Omit<ServiceAccountClientOptions, 'log'>> & { log: (line: string) => void };

  /** `client` is the controller manager's own (it may create ServiceAccounts and their tokens in kube-system); `base` its config. */
  constructor(
    private readonly client: Pick<ApiClient, 'create'>,
    private readonly base: ClientConfig,
    opts: ServiceAccountClientOptions = {},
  ) {
    this.opts = {
      namespace: opts.namespace ?? CONTROLLER_SERVICE_ACCOUNT_NAMESPACE,
      expirationSeconds: opts.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS,
      retry: opts.retry ?? { baseDelayMs: 1000, maxDelayMs: 60_000 },
      log: opts.log ?? (() => undefined),
      now: opts.now ?? Date.now,
    };
  }

  /** The credential of ServiceAccount `name`, the same one however often asked. */
  credential(name: string): ServiceAccountCredential {
    let t = this.tokens.get(name);
    if (!t) this.tokens.set(name, (t = new BoundToken(this.client, this.base, name, this.opts)));
    return t;
  }

  stop(): void {
    for (const t of this.tokens.values()) t.stop();
  }
}
