// Issue 19: default topology spreading on two equal sim nodes, driven by the real kubectl. The
// control case runs a second scheduler whose config file turns the defaults off (defaultingType
// List, no constraints), so the same workload shows what the defaults change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { parseSchedulerConfig } from '../../scheduler/config.js';
import { startScheduler, type RunningScheduler } from '../../scheduler/run.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

const NO_SPREAD_CONFIG = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: no-spread
  pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints: []
`;

const podSpec = (schedulerName?: string, requests = '') => `      ${schedulerName ? `schedulerName: ${schedulerName}\n      ` : ''}containers:
      - name: web
        image: nginx:1.25${requests ? `\n        resources:\n          requests: {${requests}}` : ''}`;

/** A ReplicationController or a Deployment of `replicas` pods labelled app=<name>. */
function workload(kind: 'ReplicationController' | 'Deployment', name: string, replicas: number, schedulerName?: string, requests?: string): string {
  const head = kind === 'Deployment' ? `apiVersion: apps/v1\nkind: Deployment` : `apiVersion: v1\nkind: ReplicationController`;
  const selector = kind === 'Deployment' ? `    matchLabels:\n      app: ${name}` : `    app: ${name}`;
  return `${head}
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
${selector}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${podSpec(schedulerName, requests)}
`;
}
const rc = (name: string, replicas: number, schedulerName?: string, requests?: string) => workload('ReplicationController', name, replicas, schedulerName, requests);

describe('default topology spreading on two sim nodes', () => {
  let c: TestCluster;
  let noSpread: RunningScheduler | undefined;
  const ok = async (args: string[], input?: string) => {
    const r = await c.kubectl(args, { input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };
  /** Pods per node once `n` pods labelled app=<app> are bound. */
  const placement = async (app: string, n: number): Promise<Record<string, number>> =>
    eventually(async () => {
      const pods = JSON.parse(await ok(['get', 'pods', '-l', `app=${app}`, '-o', 'json'])).items as { spec: { nodeName?: string } }[];
      if (pods.length !== n || pods.some((p) => !p.spec.nodeName)) return undefined;
      const out: Record<string, number> = {};
      for (const p of pods) out[p.spec.nodeName!] = (out[p.spec.nodeName!] ?? 0) + 1;
      return out;
    }, 30_000);
  const sorted = (counts: Record<string, number>) => Object.values(counts).sort();

  before(async () => {
    c = await startTestCluster({ simNodes: 2 });
    noSpread = startScheduler(loadKubeconfig(c.kubeconfig), parseSchedulerConfig(NO_SPREAD_CONFIG).options);
  });
  after(async () => {
    await noSpread?.stop();
    await c?.stop();
  });

  it('an RC of 3 lands 2+1 and a Deployment of 4 lands 2+2', async () => {
    await ok(['apply', '-f', '-'], rc('web', 3));
    assert.deepEqual(sorted(await placement('web', 3)), [1, 2]);
    await ok(['apply', '-f', '-'], workload('Deployment', 'api', 4));
    assert.deepEqual(sorted(await placement('api', 4)), [2, 2]);
    await ok(['delete', 'rc', 'web', '--wait=true']);
    await ok(['delete', 'deployment', 'api', '--wait=true']);
    await eventually(async () => JSON.parse(await ok(['get', 'pods', '-o', 'json'])).items.length === 0, 30_000);
  });

  it('spreading outweighs a lighter node; with the defaults configured off, every replica goes there', async () => {
    // Half of sim-0's cpu is taken, so the resource scores alone prefer sim-1 for every replica.
    await ok(['run', 'ballast', '--image=nginx:1.25', '--overrides', JSON.stringify({ spec: { nodeName: 'sim-0', containers: [{ name: 'ballast', image: 'nginx:1.25', resources: { requests: { cpu: '4' } } }] } })]);
    await eventually(async () => JSON.parse(await ok(['get', 'pod', 'ballast', '-o', 'json'])).status?.phase === 'Running', 30_000);
    await ok(['apply', '-f', '-'], rc('spread', 3, undefined, 'cpu: 500m'));
    assert.deepEqual(await placement('spread', 3), { 'sim-0': 1, 'sim-1': 2 });
    await ok(['apply', '-f', '-'], rc('packed', 3, 'no-spread', 'cpu: 500m'));
    assert.deepEqual(await placement('packed', 3), { 'sim-1': 3 });
  });
});
