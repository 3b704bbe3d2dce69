// Unit tests of the sim runtime's parts: addressing, IP allocation, annotations, the runtime itself.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerWheel } from '../timer-wheel.js';
import { simNodeIP, simPodCIDR } from './addressing.js';
import { containerScript } from './annotations.js';
import { IPAllocator } from './ip-alloc.js';
import { SimRuntime } from './runtime.js';
import type { ContainerEvent } from '../runtime.js';

describe('sim addressing', () => {
  it('gives distinct node IPs and pod CIDRs to thousands of nodes', () => {
    assert.equal(simNodeIP(0), '172.30.0.1');
    assert.equal(simNodeIP(254), '172.30.1.1');
    assert.equal(simPodCIDR(0), '10.244.0.0/24');
    assert.equal(simPodCIDR(256), '10.245.0.0/24');
    const ips = new Set<string>();
    const cidrs = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      ips.add(simNodeIP(i));
      const c = simPodCIDR(i);
      assert.ok(!/^10\.(9[6-9]|10\d|11[01])\./.test(c), `${c} overlaps the service range`);
      cidrs.add(c);
    }
    assert.equal(ips.size, 5000);
    assert.equal(cidrs.size, 5000);
  });
});

describe('ip allocator', () => {
  it('skips network, gateway and broadcast, reports exhaustion and reuses released IPs', () => {
    const a = new IPAllocator('10.1.2.0/29');
    const got = [a.allocate(), a.allocate(), a.allocate(), a.allocate(), a.allocate()];
    assert.deepEqual(got, ['10.1.2.2', '10.1.2.3', '10.1.2.4', '10.1.2.5', '10.1.2.6']);
    assert.equal(a.allocate(), undefined);
    a.release('10.1.2.4');
    assert.equal(a.allocate(), '10.1.2.4');
  });
});

describe('sim annotations', () => {
  it('reads pod-wide and per-container scripts; init containers finish at once by default', () => {
    const ann = { 'sim.k8ts.io/run-seconds': '5', 'sim.k8ts.io/exit-code': '1', 'sim.k8ts.io/exit-code.b': '0', 'sim.k8ts.io/run-seconds.setup': '2' };
    assert.deepEqual(containerScript(ann, 'a', false), { runMs: 5000, exitCode: 1, startDelayMs: 0 });
    assert.equal(containerScript(ann, 'b', false).exitCode, 0);
    assert.equal(containerScript({}, 'a', false).runMs, undefined);
    assert.equal(containerScript({}, 'init', true).runMs, 0);
    assert.equal(containerScript(ann, 'setup', true).runMs, 2000);
  });
});

describe('sim runtime', () => {
  it('runs a scripted container to its exit and reports events', async () => {
    const wheel = new TimerWheel();
    const rt = new SimRuntime({ nodeIP: '172.30.0.1', wheel, stopDelayMs: 20 });
    await assert.rejects(rt.runPodSandbox({ metadata: { name: 'p', namespace: 'n', uid: 'u', attempt: 0 }, labels: {}, annotations: {} }), /no pod CIDR/);
    await rt.updateRuntimeConfig({ podCIDR: '10.244.3.0/24' });
    const sbConfig = { metadata: { name: 'p', namespace: 'n', uid: 'u', attempt: 0 }, labels: { app: 'x' }, annotations: { 'sim.k8ts.io/run-seconds': '0.05', 'sim.k8ts.io/exit-code': '3' } };
    const sb = await rt.runPodSandbox(sbConfig);
    assert.equal((await rt.podSandboxStatus(sb)).network.ip, '10.244.3.2');
    const events: ContainerEvent['type'][] = [];
    rt.onContainerEvent((e) => events.push(e.type));
    const id = await rt.createContainer(sb, { metadata: { name: 'c', attempt: 0 }, image: 'busybox', labels: {}, annotations: {} }, sbConfig);
    await rt.startContainer(id);
    assert.equal((await rt.containerStatus(id)).state, 'CONTAINER_RUNNING');
    await wheel.sleep(100);
    const s = await rt.containerStatus(id);
    assert.deepEqual([s.state, s.exitCode, s.reason], ['CONTAINER_EXITED', 3, 'Error']);
    assert.deepEqual(events, ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT']);
    // A long-running container stops gracefully within the stop delay.
    const long = await rt.createContainer(sb, { metadata: { name: 'd', attempt: 0 }, image: 'busybox', labels: {}, annotations: { 'k8ts.io/init-container': 'false' } }, { ...sbConfig, annotations: {} });
    await rt.startContainer(long);
    await rt.stopContainer(long, 30);
    assert.deepEqual([(await rt.containerStatus(long)).state, (await rt.containerStatus(long)).exitCode], ['CONTAINER_EXITED', 0]);
    await rt.removePodSandbox(sb);
    assert.equal(rt.containerCount(), 0);
    assert.deepEqual(await rt.listPodSandbox(), []);
    wheel.stop();
  });
});
