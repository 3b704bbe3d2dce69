// Static pods for the kubelet: the manifests under --pod-manifest-path, shown in the API as
// mirror pods, which the kubelet then runs like any pod bound to its node.
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { RestClient } from '../../client/rest.js';
import { MirrorPodManager } from './mirror.js';
import { StaticPodSource } from './source.js';

export { StaticPodSource, type StaticPodSourceOptions, DEFAULT_RESCAN_MS } from './source.js';
export { MirrorPodManager, isMirrorPod, mirrorHashOf, type MirrorPodManagerOptions } from './mirror.js';
export { staticPodFromManifest, staticPodHash, CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION, CONFIG_SOURCE_ANNOTATION } from './manifest.js';

export interface StaticPodsOptions {
  path: string;
  nodeName: string;
  nodeUid: () => string | undefined;
  client: RestClient;
  log?: (line: string) => void;
  /** Tests shorten the periodic rescan (default 20 s) and mirror resync (default 30 s). */
  rescanMs?: number;
  resyncMs?: number;
}

export interface StaticPods {
  stop(): void;
  /** Whether a pod of the API is the mirror of a static pod this node runs now. */
  isStatic(pod: Pod): boolean;
  /** The static pod (from its manifest) a mirror pod stands for; its uid is the config hash. */
  staticPodOf(pod: Pod): Pod | undefined;
  /** The static pods as last read from the manifests. */
  current(): Pod[];
}

export function startStaticPods(o: StaticPodsOptions): StaticPods {
  const mirrors = new MirrorPodManager({ client: o.client, nodeName: o.nodeName, nodeUid: o.nodeUid, log: o.log, resyncMs: o.resyncMs });
  const source = new StaticPodSource({ path: o.path, nodeName: o.nodeName, log: o.log, rescanMs: o.rescanMs, onChange: (pods) => mirrors.setDesired(pods) });
  mirrors.start();
  source.start();
  return {
    stop() {
      source.stop();
      mirrors.stop();
    },
    isStatic: (pod) => mirrors.staticPodOf(pod) !== undefined,
    staticPodOf: (pod) => mirrors.staticPodOf(pod),
    current: () => source.current(),
  };
}
