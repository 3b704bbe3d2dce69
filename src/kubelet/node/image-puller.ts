// Images as the kubelet's image manager handles them: the pull policy decides whether to pull,
// failed pulls back off (ErrImagePull, then ImagePullBackOff while waiting), and credentials come
// from the pod's imagePullSecrets or the node's registries.yaml.
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { EventRecorder } from '../../client/events.js';
import { CrashBackoff, goDuration } from '../backoff.js';
import { WaitingError } from '../pod-environment.js';
import type { AuthConfig, ImageService } from '../runtime.js';

export interface ImagePullerOptions {
  images: ImageService;
  /** imagePullSecrets' contents: the decoded `.dockerconfigjson` of each secret named by the pod. */
  pullSecrets(pod: Pod): Promise<DockerConfig[]>;
  /** Credentials the node itself has for a registry host (registries.yaml). */
  nodeAuth?(image: string): AuthConfig | undefined;
  clock?: () => number;
}

export interface DockerConfig {
  auths?: Record<string, { username?: string; password?: string; auth?: string; identitytoken?: string; registrytoken?: string }>;
}

/** Upstream's default policy: Always for `:latest` or no tag, IfNotPresent otherwise. */
export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const ref = c.image ?? '';
  if (ref.includes('@')) return 'IfNotPresent';
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The registry host of an image reference, as docker normalizes it. */
export function registryHost(image: string): string {
  const first = image.split('/')[0]!;
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

function normalizeRegistryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0]!;
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

export function authFor(image: string, configs: DockerConfig[]): AuthConfig | undefined {
  const host = registryHost(image);
  for (const cfg of configs) {
    for (const [key, entry] of Object.entries(cfg.auths ?? {})) {
      if (normalizeRegistryKey(key) !== host) continue;
      let { username, password } = entry;
      if (!username && entry.auth) {
        const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = plain.indexOf(':');
        if (colon > 0) [username, password] = [plain.slice(0, colon), plain.slice(colon + 1)];
      }
      // No serverAddress, as the kubelet sends none: the match is made here, and containerd would
      // compare it with the host it actually contacts (registry-1.docker.io for docker.io, a mirror).
      return { username, password, identityToken: entry.identitytoken, registryToken: entry.registrytoken };
    }
  }
  return undefined;
}

/** The pull was cancelled because the pod it was for is stopping. */
export class PullAbandonedError extends Error {
  constructor(image: string) {
    super(`pull of image "${image}" abandoned: the pod is stopping`);
  }
}

const PULL_BACKOFF_BASE_MS = 10_000;
const PULL_BACKOFF_MAX_MS = 300_000;
const ERR_IMAGE_PULL_SHOWN_MS = 1000;

export class ImagePuller {
  private readonly backoff: CrashBackoff;
  /** When a pull of the key last failed, and why: the back-off message carries the why (upstream since 1.32). */
  private readonly failedAt = new Map<string, { at: number; error: string }>();
  private readonly clock: () => number;

  constructor(private readonly o: ImagePullerOptions) {
    this.clock = o.clock ?? Date.now;
    this.backoff = new CrashBackoff(PULL_BACKOFF_BASE_MS, PULL_BACKOFF_MAX_MS, this.clock);
  }

  async ensure(pod: Pod, c: Container, recorder: EventRecorder | undefined, signal?: AbortSignal): Promise<void> {
    const image = c.image ?? '';
    const policy = pullPolicy(c);
    const present = await this.o.images.imageStatus(image);
    if (policy === 'Never') {
      if (present) return void recorder?.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      const message = `Container image "${image}" is not present with pull policy of Never`;
      recorder?.event(pod, 'Warning', 'ErrImageNeverPull', message);
      recorder?.event(pod, 'Warning', 'Failed', 'Error: ErrImageNeverPull');
      throw new WaitingError('ErrImageNeverPull', message, this.clock() + PULL_BACKOFF_BASE_MS);
    }
    if (present && policy === 'IfNotPresent') return void recorder?.event(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);

    const key = `${pod.metadata.uid}/${image}`;
    const lastFailure = this.failedAt.get(key);
    if (lastFailure !== undefined && this.backoff.inBackoffSince(key, lastFailure.at)) {
      recorder?.event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      recorder?.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      const message = `Back-off pulling image "${image}": ErrImagePull: ${lastFailure.error}`;
      throw new WaitingError('ImagePullBackOff', message, this.backoff.releaseAt(key, lastFailure.at));
    }
    recorder?.event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`);
    const started = this.clock();
    try {
      const auth = authFor(image, await this.o.pullSecrets(pod)) ?? this.o.nodeAuth?.(image);
      await this.o.images.pullImage(image, auth, undefined, signal);
    } catch (err) {
      // Abandoned for a pod that is going away: not the registry's failure, so no back-off and no events.
      if (signal?.aborted) throw new PullAbandonedError(image);
      // The runtime's own text, without a second "failed to pull image" in front of it.
      const reason = (err instanceof Error ? err.message : String(err)).replace(/^failed to pull image "[^"]*": (PullImage: )?/i, '');
      // k8ts runs offline: an image imported onto the node still serves when its registry cannot be reached.
      if (present) {
        recorder?.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${reason}; using the image already present on the node`);
        return;
      }
      const now = this.clock();
      this.failedAt.set(key, { at: now, error: reason });
      this.backoff.next(key, now);
      recorder?.event(pod, 'Warning', 'Failed', `Failed to pull image "${image}": ${reason}`);
      recorder?.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      // Shown until the next sync, which finds the pull backing off and says ImagePullBackOff.
      throw new WaitingError('ErrImagePull', `Failed to pull image "${image}": ${reason}`, now + ERR_IMAGE_PULL_SHOWN_MS);
    }
    this.failedAt.delete(key);
    const took = goDuration(Math.trunc(this.clock() - started));
    const size = (await this.o.images.imageStatus(image))?.size;
    recorder?.event(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting).${size !== undefined ? ` Image size: ${size} bytes.` : ''}`);
  }

  forgetPod(uid: string): void {
    this.backoff.forgetPrefix(`${uid}/`);
    for (const k of this.failedAt.keys()) if (k.startsWith(`${uid}/`)) this.failedAt.delete(k);
  }
}
