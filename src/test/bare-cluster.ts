// Test support for the workload controllers: an in-process API server with no controller
// manager and no scheduler, so a test runs exactly the controller it builds (with a fake clock
// when it needs one), and helpers that play the kubelet by writing pod status.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../api/core/v1/pod/types.js';
import type { KubeList } from '../api/meta/types.js';
import { startControlPlane, type ControlPlane } from '../cluster/control-plane.js';
import { SharedInformerFactory } from '../client/informer.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { R, resourcePath } from '../client/resources.js';
import { RestClient } from '../client/rest.js';
import { eventually } from './harness.js';
import { rfc3339 } from '../util/time.js';

export interface BareCluster {
  cp: ControlPlane;
  client: RestClient;
  informers: SharedInformerFactory;
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startBareCluster(namespace: string): Promise<BareCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-workloads-'));
  const cp = await startControlPlane({ disableMetricsServer: true, addons: false, dataDir, port: 0, bindAddress: '127.0.0.1', datastoreEndpoint: 'memory://', disableControllers: true, disableScheduler: true, log: () => undefined });
  const client = new RestClient(loadKubeconfig(cp.kubeconfigPath));
  await client.create(resourcePath(R.namespaces), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const informers = new SharedInformerFactory(client);
  return {
    cp,
    client,
    informers,
    kubeconfig: cp.kubeconfigPath,
    async stop() {
      informers.stop();
      client.close();
      await cp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}


/** Writes a pod's phase as a kubelet would: Running (ready or not), Succeeded or Failed. */
export async function setPodPhase(client: RestClient, pod: Pod, phase: 'Running' | 'Succeeded' | 'Failed', ready = phase === 'Running'): Promise<Pod> {
  const now = rfc3339();
  const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: now });
  const running = phase === 'Running';
  const exitCode = phase === 'Failed' ? 1 : 0;
  const status = {
    ...pod.status,
    phase,
    startTime: pod.status?.startTime ?? now,
    conditions: [cond('Initialized', true), cond('Ready', ready && running), cond('ContainersReady', ready && running), cond('PodScheduled', true)],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready: ready && running,
      started: running,
      restartCount: 0,
      state: running ? { running: { startedAt: now } } : { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: now, finishedAt: now } },
    })),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.update<Pod>(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name, 'status'), { ...pod, apiVersion: 'v1', kind: 'Pod', status });
    } catch (err) {
      if (attempt >= 5) throw err;
      pod = await client.get<Pod>(resourcePath(R.pods, pod.metadata.namespace, pod.metadata.name));
    }
  }
}

export async function listPods(client: RestClient, namespace: string, selector?: string): Promise<Pod[]> {
  const q = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
  return (await client.get<KubeList<Pod>>(`${resourcePath(R.pods, namespace)}${q}`)).items;
}

/** `eventually` for checks that return a value or nothing: resolves to the value, never undefined. */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  return (await eventually(check, timeoutMs, intervalMs)) as T;
}
