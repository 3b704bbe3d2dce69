// The service-account token controller (upstream's TokensController): a Secret of type
// kubernetes.io/service-account-token that names a ServiceAccount in its
// kubernetes.io/service-account.name annotation gets a long-lived token, the cluster CA and
// its namespace; one whose account is gone, or was recreated with another uid than the one
// recorded, is deleted, which revokes its token. Keys are Secret keys; a change to an account
// queues the token Secrets that name it.
import type { Secret, ServiceAccount } from '../../api/core/v1/types.js';
import { isConflict, isNotFound } from '../../client/errors.js';
import type { Informer, SharedInformerFactory } from '../../client/informer.js';
import { keyOf, R, resourcePath } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { QueueController, type ControllerOptions } from '../common/controller.js';
import type { TokenGenerator } from './legacy-token.js';
import { accountOf, filledTokenSecret, isTokenSecret } from './token-secret.js';

/** Token Secrets by `<namespace>/<account name>`. */
const BY_ACCOUNT = 'serviceaccount-tokens:account';

export interface TokensControllerOptions extends Omit<ControllerOptions, 'clock'> {
  generateToken: TokenGenerator;
  /** The cluster CA in PEM, written as ca.crt (kube-controller-manager's --root-ca-file). */
  rootCaPem?: string;
}

export class TokensController extends QueueController {
  private readonly secrets: Informer<Secret>;
  private readonly serviceAccounts: Informer<ServiceAccount>;

  constructor(
    private readonly client: ApiClient,
    factory: SharedInformerFactory,
    private readonly opts: TokensControllerOptions,
  ) {
    // Five workers: upstream's --concurrent-serviceaccount-token-syncs.
    super('serviceaccount-tokens', opts, 5, { baseDelayMs: 20, maxDelayMs: 30_000 });
    this.secrets = this.cache(factory.informerFor<Secret>(R.secrets));
    this.serviceAccounts = this.cache(factory.informerFor<ServiceAccount>(R.serviceaccounts));
    this.secrets.addIndex(BY_ACCOUNT, (s) => {
      const name = isTokenSecret(s) ? accountOf(s).name : undefined;
      return name ? [`${s.metadata.namespace}/${name}`] : [];
    });
    const enqueueSecret = (s: Secret) => isTokenSecret(s) && this.queue.add(keyOf(s));
    this.secrets.addHandlers({ add: enqueueSecret, update: (_old, s) => enqueueSecret(s) });
    const enqueueTokens = (sa: ServiceAccount) => {
      for (const s of this.secrets.byIndex(BY_ACCOUNT, keyOf(sa))) this.queue.add(keyOf(s));
    };
    this.serviceAccounts.addHandlers({ add: enqueueTokens, update: (_old, sa) => enqueueTokens(sa), delete: enqueueTokens });
  }

  async sync(key: string): Promise<void> {
    const secret = this.secrets.get(key);
    if (!secret || !isTokenSecret(secret) || secret.metadata.deletionTimestamp) return;
    const account = accountOf(secret);
    if (!account.name) return;
    const namespace = secret.metadata.namespace!;
    const sa = await this.serviceAccount(namespace, account.name, account.uid);
    if (!sa) return this.deleteToken(secret);
    const next = filledTokenSecret(secret, sa, this.opts.rootCaPem, this.opts.generateToken);
    if (!next) return;
    try {
      // The cache's resourceVersion travels along: a Secret changed meanwhile is a conflict, synced again.
      await this.client.update(resourcePath(R.secrets, namespace, secret.metadata.name), next);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * The account (with the uid the Secret recorded, when it did), from the cache or, on a miss,
   * from the API: a Secret created together with its account may arrive first.
   */
  private async serviceAccount(namespace: string, name: string, uid: string | undefined): Promise<ServiceAccount | undefined> {
    const matches = (sa: ServiceAccount | undefined) => (sa && (!uid || sa.metadata.uid === uid) ? sa : undefined);
    const cached = matches(this.serviceAccounts.get(`${namespace}/${name}`));
    if (cached) return cached;
    try {
      return matches(await this.client.get<ServiceAccount>(resourcePath(R.serviceaccounts, namespace, name)));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async deleteToken(secret: Secret): Promise<void> {
    try {
      await this.client.delete(resourcePath(R.secrets, secret.metadata.namespace, secret.metadata.name), { preconditions: { uid: secret.metadata.uid } });
    } catch (err) {
      // Gone already, or replaced by another Secret of that name (the uid precondition failed).
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}
