// What volumes read from the API: ConfigMaps, Secrets and ServiceAccount tokens. Tokens are
// cached per pod and audience and renewed as upstream's token manager renews them (after 80% of
// their lifetime or 24 hours), so a refresh does not mint a token every time.
import type { RestClient } from '../../client/rest.js';
import { ApiStatusError } from '../../client/rest.js';
import type { ConfigMap, Secret } from '../../api/core/v1/types.js';

/** The part of RestClient the volume manager uses (tests may pass a fake). */
export type VolumeApiClient = Pick<RestClient, 'get' | 'create'>;

const seg = encodeURIComponent;

function isNotFound(err: unknown): boolean {
  return err instanceof ApiStatusError ? err.code === 404 : (err as { code?: unknown })?.code === 404;
}

/** The object, or undefined when it does not exist; other API failures propagate. */
async function getOptional<T>(client: VolumeApiClient, path: string): Promise<T | undefined> {
  try {
    return await client.get<T>(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function getConfigMap(client: VolumeApiClient, namespace: string, name: string): Promise<ConfigMap | undefined> {
  return getOptional<ConfigMap>(client, `/api/v1/namespaces/${seg(namespace)}/configmaps/${seg(name)}`);
}

export function getSecret(client: VolumeApiClient, namespace: string, name: string): Promise<Secret | undefined> {
  return getOptional<Secret>(client, `/api/v1/namespaces/${seg(namespace)}/secrets/${seg(name)}`);
}

export interface TokenRequestFor {
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUid: string;
  audience?: string;
  expirationSeconds: number;
}

interface CachedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const MAX_TOKEN_AGE_MS = 24 * 3600 * 1000;

export class ServiceAccountTokens {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly client: VolumeApiClient,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(r: TokenRequestFor): string {
    return JSON.stringify([r.podUid, r.namespace, r.serviceAccount, r.audience ?? '', r.expirationSeconds]);
  }

  /** A valid token for the pod, minted through POST …/serviceaccounts/{sa}/token when needed. */
  async token(r: TokenRequestFor): Promise<string> {
    const key = ServiceAccountTokens.key(r);
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && !this.needsRenewal(cached, now)) return cached.token;
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name: r.serviceAccount, namespace: r.namespace },
      spec: {
        ...(r.audience ? { audiences: [r.audience] } : {}),
        expirationSeconds: r.expirationSeconds,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: r.podName, uid: r.podUid },
      },
    };
    let res: { status?: { token?: string; expirationTimestamp?: string } };
    try {
      res = await this.client.create(`/api/v1/namespaces/${seg(r.namespace)}/serviceaccounts/${seg(r.serviceAccount)}/token`, body);
    } catch (err) {
      throw new Error(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`);
    }
    const token = res?.status?.token;
    if (!token) throw new Error('failed to fetch token: the token request returned no token');
    const exp = Date.parse(res.status?.expirationTimestamp ?? '');
    const entry = { token, issuedAt: now, expiresAt: Number.isFinite(exp) ? exp : now + r.expirationSeconds * 1000 };
    this.cache.set(key, entry);
    return token;
  }

  private needsRenewal(t: CachedToken, now: number): boolean {
    const ttl = t.expiresAt - t.issuedAt;
    return now >= t.expiresAt || now - t.issuedAt > 0.8 * ttl || now - t.issuedAt > MAX_TOKEN_AGE_MS;
  }

  /** Forget the pod's tokens (on teardown). */
  forgetPod(uid: string): void {
    for (const key of this.cache.keys()) if ((JSON.parse(key) as string[])[0] === uid) this.cache.delete(key);
  }
}
