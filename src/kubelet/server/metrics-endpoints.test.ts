// /metrics/resource and /metrics/cadvisor from a summary: upstream's names and labels, each
// sample stamped with its reading's time, the whole a valid exposition.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFamilies } from '../../util/prometheus.js';
import { family, parseExposition, samples } from '../../test/prometheus.js';
import { KubeletMetrics, operationType } from '../metrics.js';
import { cadvisorFamilies, resourceFamilies } from './metrics-endpoints.js';
import type { Summary } from '../stats/types.js';

const T = '2026-01-02T03:04:05.123456Z';
const summary: Summary = {
  node: { nodeName: 'n1', cpu: { time: T, usageCoreNanoSeconds: 12_500_000_000 }, memory: { time: T, workingSetBytes: 1000, rssBytes: 800, usageBytes: 1200 }, network: { time: T, name: 'eth0', rxBytes: 10, txBytes: 20, interfaces: [{ name: 'eth0', rxBytes: 10, txBytes: 20, rxErrors: 0, txErrors: 0 }] }, fs: { time: T, usedBytes: 5, capacityBytes: 50 } },
  pods: [
    {
      podRef: { name: 'web', namespace: 'default', uid: 'u1' },
      startTime: T,
      containers: [{ name: 'app', startTime: '2026-01-02T03:00:00Z', cpu: { time: T, usageCoreNanoSeconds: 2_000_000_000 }, memory: { time: T, workingSetBytes: 300, rssBytes: 200, usageBytes: 400 }, rootfs: { time: T, usedBytes: 7 } }],
      cpu: { time: T, usageCoreNanoSeconds: 2_000_000_000 },
      memory: { time: T, workingSetBytes: 300 },
    },
  ],
};

describe('kubelet metrics endpoints', () => {
  it('/metrics/resource has upstream names, labels and sample timestamps', () => {
    const m = parseExposition(formatFamilies(resourceFamilies(summary)));
    const stamp = Date.parse(T);
    assert.deepEqual(family(m, 'node_cpu_usage_seconds_total').metrics, [{ value: 12.5, labels: {}, timestampMs: stamp }]);
    assert.deepEqual(family(m, 'container_cpu_usage_seconds_total').metrics, [{ value: 2, labels: { container: 'app', namespace: 'default', pod: 'web' }, timestampMs: stamp }]);
    assert.equal(samples(family(m, 'container_memory_working_set_bytes'), { pod: 'web' })[0]!.value, 300);
    assert.equal(samples(family(m, 'pod_memory_working_set_bytes'), { pod: 'web', namespace: 'default' })[0]!.value, 300);
    assert.equal(family(m, 'pod_cpu_usage_seconds_total').metrics[0]!.value, 2);
    assert.equal(family(m, 'node_memory_working_set_bytes').metrics[0]!.value, 1000);
    assert.equal(family(m, 'container_start_time_seconds').metrics[0]!.value, Date.parse('2026-01-02T03:00:00Z') / 1000);
    assert.equal(family(m, 'resource_scrape_error').metrics[0]!.value, 0);
    assert.equal(family(parseExposition(formatFamilies(resourceFamilies(undefined))), 'resource_scrape_error').metrics[0]!.value, 1);
  });

  it('/metrics/cadvisor has cAdvisor labels for the machine, the pod cgroup and the container', () => {
    const m = parseExposition(formatFamilies(cadvisorFamilies(summary, { podCgroup: () => '/k8ts/besteffort/podu1', container: () => ({ id: 'abc', image: 'busybox:1.36', cgroup: '/k8ts/besteffort/podu1/abc' }) })));
    const cpu = family(m, 'container_cpu_usage_seconds_total');
    assert.deepEqual(samples(cpu, { id: '/' })[0]!.labels, { container: '', id: '/', image: '', name: '', namespace: '', pod: '', cpu: 'total' });
    assert.deepEqual(samples(cpu, { container: 'app' })[0]!.labels, { container: 'app', id: '/k8ts/besteffort/podu1/abc', image: 'busybox:1.36', name: 'abc', namespace: 'default', pod: 'web', cpu: 'total' });
    assert.equal(samples(cpu, { id: '/k8ts/besteffort/podu1', container: '' })[0]!.value, 2);
    assert.equal(samples(family(m, 'container_memory_rss'), { container: 'app' })[0]!.value, 200);
    assert.equal(samples(family(m, 'container_memory_usage_bytes'), { container: 'app' })[0]!.value, 400);
    assert.equal(samples(family(m, 'container_network_receive_bytes_total'), { id: '/', interface: 'eth0' })[0]!.value, 10);
    assert.equal(samples(family(m, 'container_network_transmit_bytes_total'), { id: '/', interface: 'eth0' })[0]!.value, 20);
    assert.equal(samples(family(m, 'container_fs_usage_bytes'), { container: 'app' })[0]!.value, 7);
    assert.ok(family(m, 'machine_cpu_cores').metrics[0]!.value! >= 1);
  });

  it('/metrics counts runtime operations under upstream operation types, and running pods and containers', async () => {
    assert.equal(operationType('RunPodSandbox'), 'run_podsandbox');
    assert.equal(operationType('ListContainers'), 'list_containers');
    const metrics = new KubeletMetrics('n1');
    const runtime = metrics.instrumentRuntime({
      listPodSandbox: async () => [{}, {}] as never,
      listContainers: async () => [{ state: 'CONTAINER_RUNNING' }, { state: 'CONTAINER_EXITED' }] as never,
      helper: () => 1,
    });
    await runtime.listContainers();
    assert.equal(runtime.helper(), 1);
    metrics.podSeen('u1', 1000);
    metrics.podRunning('u1', 3500);
    metrics.podRunning('u1', 9000);
    const m = parseExposition(await metrics.registry.metrics());
    assert.equal(samples(family(m, 'kubelet_node_name'), { node: 'n1' })[0]!.value, 1);
    assert.equal(family(m, 'kubelet_running_pods').metrics[0]!.value, 2);
    assert.equal(samples(family(m, 'kubelet_running_containers'), { container_state: 'running' })[0]!.value, 1);
    assert.equal(samples(family(m, 'kubelet_running_containers'), { container_state: 'exited' })[0]!.value, 1);
    // The scrape itself listed pods and containers through the instrumented runtime.
    assert.ok(samples(family(m, 'kubelet_runtime_operations_total'), { operation_type: 'list_containers' })[0]!.value! >= 1);
    const start = family(m, 'kubelet_pod_start_duration_seconds').metrics[0]!;
    assert.deepEqual([start.count, start.sum], [1, 2.5]);
  });
});
