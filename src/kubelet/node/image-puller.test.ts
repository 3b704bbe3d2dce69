import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { WaitingError } from '../pod-environment.js';
import type { AuthConfig, Image, ImageService } from '../runtime.js';
import { authFor, ImagePuller, PullAbandonedError, pullPolicy, registryHost } from './image-puller.js';

class FakeImages implements ImageService {
  readonly present = new Set<string>();
  readonly pulls: { image: string; auth?: AuthConfig }[] = [];
  failWith?: string;
  /** Pulls that hang until their signal aborts them, as a stuck registry does. */
  hang = false;
  async imageStatus(image: string): Promise<Image | undefined> {
    return this.present.has(image) ? { id: `sha256:${image.length}`, repoTags: [image], repoDigests: [], size: 42 } : undefined;
  }
  async pullImage(image: string, auth?: AuthConfig, _sandbox?: unknown, signal?: AbortSignal): Promise<string> {
    this.pulls.push({ image, auth });
    if (this.hang) {
      await new Promise((_, reject) => {
        const cancelled = () => reject(new Error('CANCELLED: Cancelled on client'));
        if (signal?.aborted) cancelled();
        else signal?.addEventListener('abort', cancelled);
      });
    }
    if (this.failWith) throw new Error(this.failWith);
    this.present.add(image);
    return `sha256:${image.length}`;
  }
  async listImages(): Promise<Image[]> {
    return [];
  }
  async removeImage(): Promise<void> {}
}

const pod = (uid = 'u1'): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', uid }, spec: { containers: [] } }) as Pod;

describe('image pulls', () => {
  it('defaults the pull policy as upstream: Always for latest or no tag, IfNotPresent otherwise', () => {
    assert.equal(pullPolicy({ name: 'a', image: 'busybox' }), 'Always');
    assert.equal(pullPolicy({ name: 'a', image: 'busybox:latest' }), 'Always');
    assert.equal(pullPolicy({ name: 'a', image: 'localhost:5000/busybox' }), 'Always');
    assert.equal(pullPolicy({ name: 'a', image: 'busybox:1.36' }), 'IfNotPresent');
    assert.equal(pullPolicy({ name: 'a', image: 'busybox@sha256:abc' }), 'IfNotPresent');
    assert.equal(pullPolicy({ name: 'a', image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
  });

  it('finds the registry host and the credentials for it in docker configs', () => {
    assert.equal(registryHost('busybox'), 'docker.io');
    assert.equal(registryHost('library/busybox'), 'docker.io');
    assert.equal(registryHost('registry.example:5000/team/app:1'), 'registry.example:5000');
    assert.equal(registryHost('localhost/app'), 'localhost');
    const configs = [{ auths: { 'https://index.docker.io/v1/': { auth: Buffer.from('hub:secret').toString('base64') }, 'registry.example:5000': { username: 'u', password: 'p' } } }];
    assert.deepEqual(authFor('busybox', configs), { username: 'hub', password: 'secret', identityToken: undefined, registryToken: undefined });
    assert.equal(authFor('registry.example:5000/team/app:1', configs)?.username, 'u');
    assert.equal(authFor('quay.io/x/y', configs), undefined);
  });

  it('pulls by policy, backs off after a failure (ErrImagePull, then ImagePullBackOff), and passes pull secrets', async () => {
    let now = 1_000_000;
    const images = new FakeImages();
    const puller = new ImagePuller({ images, pullSecrets: async () => [{ auths: { 'reg.example': { username: 'u', password: 'p' } } }], clock: () => now });
    images.present.add('reg.example/app:1');
    await puller.ensure(pod(), { name: 'c', image: 'reg.example/app:1' }, undefined);
    assert.equal(images.pulls.length, 0, 'IfNotPresent with the image present does not pull');
    await puller.ensure(pod(), { name: 'c', image: 'reg.example/app:1', imagePullPolicy: 'Always' }, undefined);
    assert.equal(images.pulls.length, 1);
    assert.equal(images.pulls[0]!.auth?.username, 'u');

    images.failWith = 'connection refused';
    const first = await puller.ensure(pod(), { name: 'c', image: 'reg.example/gone:1' }, undefined).catch((e) => e);
    assert.ok(first instanceof WaitingError);
    assert.equal(first.reason, 'ErrImagePull');
    assert.equal(first.retryAt, now + 1_000, 'ErrImagePull shows until the next sync');
    now += 5_000;
    const waiting = await puller.ensure(pod(), { name: 'c', image: 'reg.example/gone:1' }, undefined).catch((e) => e);
    assert.equal(waiting.reason, 'ImagePullBackOff');
    assert.equal(waiting.message, 'Back-off pulling image "reg.example/gone:1": ErrImagePull: connection refused', 'the last pull error travels with the back-off');
    assert.equal(waiting.retryAt, now + 5_000, 'the back-off lasts 10 s from the failure');
    assert.equal(images.pulls.length, 2, 'no pull while backing off');
    now += 6_000;
    const second = await puller.ensure(pod(), { name: 'c', image: 'reg.example/gone:1' }, undefined).catch((e) => e);
    assert.equal(second.reason, 'ErrImagePull');
    now += 1_000;
    const doubled = await puller.ensure(pod(), { name: 'c', image: 'reg.example/gone:1' }, undefined).catch((e) => e);
    assert.equal(doubled.retryAt, now + 19_000, 'the delay doubles');
    puller.forgetPod('u1');
    now += 1;
    const fresh = await puller.ensure(pod(), { name: 'c', image: 'reg.example/gone:1' }, undefined).catch((e) => e);
    assert.equal(fresh.reason, 'ErrImagePull', 'a forgotten pod starts without back-off');
  });

  it('Never refuses an absent image; a failed pull of a present image falls back to it', async () => {
    const images = new FakeImages();
    const puller = new ImagePuller({ images, pullSecrets: async () => [] });
    const never = await puller.ensure(pod(), { name: 'c', image: 'app:1', imagePullPolicy: 'Never' }, undefined).catch((e) => e);
    assert.equal(never.reason, 'ErrImageNeverPull');
    assert.equal(never.message, 'Container image "app:1" is not present with pull policy of Never');
    images.present.add('busybox');
    images.failWith = 'no route to registry';
    await puller.ensure(pod(), { name: 'c', image: 'busybox' }, undefined);
    assert.equal(images.pulls.length, 1);
  });

  it('a pull abandoned for a stopping pod leaves no back-off behind', async () => {
    const images = new FakeImages();
    images.hang = true;
    const puller = new ImagePuller({ images, pullSecrets: async () => [] });
    const abort = new AbortController();
    const pulling = puller.ensure(pod(), { name: 'c', image: 'reg.example/slow:1' }, undefined, abort.signal);
    abort.abort();
    await assert.rejects(pulling, PullAbandonedError);
    images.hang = false;
    await puller.ensure(pod(), { name: 'c', image: 'reg.example/slow:1' }, undefined);
    assert.equal(images.pulls.length, 2, 'the next sync pulls again at once');
  });
});
