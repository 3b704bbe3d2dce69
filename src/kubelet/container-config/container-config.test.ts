// Unit tests of pod → CRI configuration: env order and expansion, service variables, resource
// math and QoS, security context, DNS rules, hostnames and the managed hosts file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Container, Pod } from '../../api/core/v1/pod/types.js';
import type { ConfigMap, Secret, Service } from '../../api/core/v1/types.js';
import {
  cgroupParentFor,
  containerConfig,
  ContainerConfigError,
  DEFAULT_MASKED_PATHS,
  hostsFile,
  linuxResources,
  oomScoreAdj,
  podDNSConfig,
  qosClass,
  sandboxConfig,
  SandboxConfigError,
  serviceEnvMap,
  type ContainerConfigInput,
} from './index.js';

const GiB = 1024 ** 3;

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<Pod['metadata']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], nodeName: 'n1', ...spec },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

function svc(ns: string, name: string, clusterIP: string, ports: Array<{ name?: string; port: number; protocol?: 'TCP' | 'UDP' }>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec: { clusterIP, ports } };
}

const configMaps: Record<string, ConfigMap> = {
  'shop/settings': { metadata: { namespace: 'shop', name: 'settings' }, data: { MODE: 'fast', LEVEL: '3' } },
};
const secrets: Record<string, Secret> = {
  'shop/creds': { metadata: { namespace: 'shop', name: 'creds' }, data: { user: b64('alice'), pass: b64('s3cret') } },
};

function input(p: Pod, c: Container, more: Partial<ContainerConfigInput> = {}): ContainerConfigInput {
  return {
    pod: p,
    container: c,
    attempt: 0,
    podIP: '10.244.0.7',
    podIPs: ['10.244.0.7'],
    hostIP: '192.168.1.5',
    nodeName: 'n1',
    services: [],
    mounts: [],
    getConfigMap: async (ns, n) => configMaps[`${ns}/${n}`],
    getSecret: async (ns, n) => secrets[`${ns}/${n}`],
    nodeAllocatable: { cpu: '4', memory: '8Gi' },
    nodeMemoryCapacity: 8 * GiB,
    imageUser: '',
    ...more,
  };
}

const envOf = async (p: Pod, c: Container, more: Partial<ContainerConfigInput> = {}) => (await containerConfig(input(p, c, more))).envs!;

describe('environment', () => {
  it('puts envFrom first (with prefix), then env overriding it, then service variables', async () => {
    const c: Container = {
      name: 'app',
      envFrom: [{ configMapRef: { name: 'settings' } }, { prefix: 'DB_', secretRef: { name: 'creds' } }],
      env: [
        { name: 'MODE', value: 'slow' },
        { name: 'GREETING', value: 'hi $(DB_user) at $(LEVEL)' },
      ],
    };
    const envs = await envOf(pod({ containers: [c] }), c, { services: [svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }])] });
    const keys = envs.map((e) => e.key);
    assert.deepEqual(keys.slice(0, 5), ['MODE', 'LEVEL', 'DB_user', 'DB_pass', 'GREETING']);
    assert.equal(envs.find((e) => e.key === 'MODE')!.value, 'slow');
    assert.equal(envs.find((e) => e.key === 'GREETING')!.value, 'hi alice at 3');
    assert.ok(keys.indexOf('KUBERNETES_SERVICE_HOST') > keys.indexOf('GREETING'));
  });

  it('expands $(VAR) as upstream: earlier vars only, $$ escapes, unknown and unterminated stay', async () => {
    const c: Container = {
      name: 'app',
      command: ['sh', '-c', 'echo $(A) $$(A) $(NOPE) $(A'],
      args: ['$(B)', '$$', 'x$'],
      env: [
        { name: 'B', value: '[$(A)]' },
        { name: 'A', value: 'one' },
        { name: 'C', value: '$(A)-$(B)' },
      ],
    };
    const cfg = await containerConfig(input(pod({ containers: [c] }), c));
    const env = Object.fromEntries(cfg.envs!.map((e) => [e.key, e.value]));
    assert.equal(env.B, '[$(A)]'); // A was not defined yet
    assert.equal(env.C, 'one-[$(A)]');
    assert.deepEqual(cfg.command, ['sh', '-c', 'echo one $(A) $(NOPE) $(A']);
    assert.deepEqual(cfg.args, ['[$(A)]', '$', 'x$']);
  });

  it('resolves fieldRef and resourceFieldRef (divisors, cpu rounded up, unset limit = allocatable)', async () => {
    const c: Container = {
      name: 'app',
      resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1500m' } },
      env: [
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'CPU_LIM_M', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
        { name: 'MEM_LIM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      ],
    };
    const p = pod({ containers: [c] }, { labels: { tier: 'front' } });
    const env = Object.fromEntries((await envOf(p, c)).map((e) => [e.key, e.value]));
    assert.equal(env.POD, 'web');
    assert.equal(env.NS, 'shop');
    assert.equal(env.TIER, 'front');
    assert.equal(env.IP, '10.244.0.7');
    assert.equal(env.HOST, '192.168.1.5');
    assert.equal(env.NODE, 'n1');
    assert.equal(env.CPU_REQ, '1');
    assert.equal(env.CPU_LIM_M, '1500');
    assert.equal(env.MEM_LIM_MI, String(8 * 1024));
    assert.equal(env.MEM_REQ, String(64 * 1024 * 1024));
  });

  it('fails with upstream messages for missing objects and keys, and skips optional ones', async () => {
    const run = (c: Container) => containerConfig(input(pod({ containers: [c] }), c));
    await assert.rejects(run({ name: 'a', envFrom: [{ configMapRef: { name: 'nope' } }] }), (e: Error) => e instanceof ContainerConfigError && e.message === 'configmap "nope" not found');
    await assert.rejects(run({ name: 'a', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'missing' } } }] }), {
      message: "couldn't find key missing in ConfigMap shop/settings",
    });
    await assert.rejects(run({ name: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }] }), { message: 'secret "gone" not found' });
    await assert.rejects(run({ name: 'a', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }), { message: "couldn't find key k in Secret shop/creds" });
    const c: Container = {
      name: 'a',
      envFrom: [{ secretRef: { name: 'gone', optional: true } }],
      env: [
        { name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'missing', optional: true } } },
        { name: 'Y', valueFrom: { secretKeyRef: { name: 'creds', key: 'pass' } } },
      ],
    };
    const envs = (await run(c)).envs!;
    assert.deepEqual(envs, [{ key: 'Y', value: 's3cret' }]);
  });

  it('skips envFrom keys that are not valid variable names and says so', async () => {
    const events: string[] = [];
    configMaps['shop/odd'] = { metadata: { namespace: 'shop', name: 'odd' }, data: { good: '1', 'bad=key': '2' } };
    const c: Container = { name: 'a', envFrom: [{ configMapRef: { name: 'odd' } }] };
    const envs = await envOf(pod({ containers: [c] }), c, { recorder: { event: (_o, _t, reason, msg) => events.push(`${reason}: ${msg}`) } });
    assert.deepEqual(envs, [{ key: 'good', value: '1' }]);
    assert.deepEqual(events, ['InvalidEnvironmentVariableNames: Keys [bad=key] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.']);
  });
});

describe('service environment variables', () => {
  const services = [
    svc('shop', 'redis-master', '10.96.5.5', [{ port: 6379 }, { name: 'metrics-port', port: 9121, protocol: 'UDP' }]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'elsewhere', '10.96.9.9', [{ port: 80 }]),
    svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
  ];
  it('names variables as upstream (dashes to underscores, upper case, docker link forms)', () => {
    const m = Object.fromEntries(serviceEnvMap(services, 'shop', true));
    assert.deepEqual(m, {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      REDIS_MASTER_SERVICE_HOST: '10.96.5.5',
      REDIS_MASTER_SERVICE_PORT: '6379',
      REDIS_MASTER_SERVICE_PORT_METRICS_PORT: '9121',
      REDIS_MASTER_PORT: 'tcp://10.96.5.5:6379',
      REDIS_MASTER_PORT_6379_TCP: 'tcp://10.96.5.5:6379',
      REDIS_MASTER_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_MASTER_PORT_6379_TCP_PORT: '6379',
      REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.5.5',
      REDIS_MASTER_PORT_9121_UDP: 'udp://10.96.5.5:9121',
      REDIS_MASTER_PORT_9121_UDP_PROTO: 'udp',
      REDIS_MASTER_PORT_9121_UDP_PORT: '9121',
      REDIS_MASTER_PORT_9121_UDP_ADDR: '10.96.5.5',
    });
  });
  it('keeps only the kubernetes service when service links are off', () => {
    const keys = [...serviceEnvMap(services, 'shop', false).keys()];
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('KUBERNETES_')));
  });
  it('lets the container env win over a service variable', async () => {
    const c: Container = { name: 'a', env: [{ name: 'REDIS_MASTER_SERVICE_HOST', value: 'mine' }, { name: 'U', value: '$(REDIS_MASTER_SERVICE_PORT)' }] };
    const envs = await envOf(pod({ containers: [c] }), c, { services });
    assert.equal(envs.filter((e) => e.key === 'REDIS_MASTER_SERVICE_HOST').length, 1);
    assert.equal(envs.find((e) => e.key === 'REDIS_MASTER_SERVICE_HOST')!.value, 'mine');
    assert.equal(envs.find((e) => e.key === 'U')!.value, '6379');
  });
});

describe('resources and QoS', () => {
  const guaranteed = pod({ containers: [{ name: 'a', resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '500m', memory: '256Mi' } } }] });
  const burstable = pod({ containers: [{ name: 'a', resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '2' } } }] });
  const bestEffort = pod();

  it('classifies pods and places their cgroups', () => {
    assert.equal(qosClass(guaranteed), 'Guaranteed');
    assert.equal(qosClass(burstable), 'Burstable');
    assert.equal(qosClass(bestEffort), 'BestEffort');
    assert.equal(cgroupParentFor(guaranteed), '/k8ts/podu-1');
    assert.equal(cgroupParentFor(burstable), '/k8ts/burstable/podu-1');
    assert.equal(cgroupParentFor(bestEffort, '/custom/'), '/custom/besteffort/podu-1');
  });

  it('computes shares, quota, memory limit and OOM score as upstream', () => {
    assert.deepEqual(linuxResources(guaranteed, guaranteed.spec!.containers[0]!, 8 * GiB), {
      cpuShares: 512,
      cpuPeriod: 100000,
      cpuQuota: 50000,
      memoryLimitInBytes: 256 * 1024 * 1024,
      oomScoreAdj: -997,
    });
    const b = linuxResources(burstable, burstable.spec!.containers[0]!, 8 * GiB);
    assert.equal(b.cpuShares, 102);
    assert.equal(b.cpuQuota, 200000);
    assert.equal(b.memoryLimitInBytes, undefined);
    assert.equal(b.oomScoreAdj, 1000 - 125); // 1 GiB of 8 GiB
    assert.deepEqual(linuxResources(bestEffort, bestEffort.spec!.containers[0]!, 8 * GiB), { cpuShares: 2, cpuPeriod: 100000, cpuQuota: 0, oomScoreAdj: 1000 });
    const tiny = pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1m' }, requests: { cpu: '1m' } } }] });
    assert.deepEqual([linuxResources(tiny, tiny.spec!.containers[0]!, GiB).cpuShares, linuxResources(tiny, tiny.spec!.containers[0]!, GiB).cpuQuota], [2, 1000]);
    const limitOnly = pod({ containers: [{ name: 'a', resources: { limits: { cpu: '250m' } } }] });
    assert.equal(linuxResources(limitOnly, limitOnly.spec!.containers[0]!, GiB).cpuShares, 256);
  });

  it('keeps Burstable OOM scores between Guaranteed and BestEffort', () => {
    const huge = pod({ containers: [{ name: 'a', resources: { requests: { memory: '16Gi' } } }] });
    assert.equal(oomScoreAdj(huge, huge.spec!.containers[0]!, 8 * GiB), 3);
    const none = pod({ containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }] });
    assert.equal(oomScoreAdj(none, none.spec!.containers[0]!, 8 * GiB), 999);
  });
});

describe('security context', () => {
  it('merges pod settings under the container and builds the CRI context', async () => {
    const c: Container = { name: 'a', securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } };
    const p = pod({ containers: [c], securityContext: { runAsUser: 5, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000] } });
    const sc = (await containerConfig(input(p, c))).linux!.securityContext!;
    assert.equal(sc.runAsUser, 1000);
    assert.equal(sc.runAsGroup, 3000);
    assert.deepEqual(sc.supplementalGroups, [2000, 4000]);
    assert.equal(sc.noNewPrivs, true);
    assert.equal(sc.readonlyRootfs, true);
    assert.deepEqual(sc.capabilities, { addCapabilities: ['NET_ADMIN'], dropCapabilities: ['ALL'] });
    assert.deepEqual(sc.maskedPaths, [...DEFAULT_MASKED_PATHS]);
    assert.ok(sc.readonlyPaths!.includes('/proc/sys'));
    const unmasked: Container = { name: 'a', securityContext: { procMount: 'Unmasked' } };
    const sc2 = (await containerConfig(input(pod({ containers: [unmasked] }), unmasked))).linux!.securityContext!;
    assert.deepEqual([sc2.maskedPaths, sc2.readonlyPaths, sc2.noNewPrivs], [[], [], false]);
  });

  it('applies runAsNonRoot to the image user as upstream', async () => {
    const c: Container = { name: 'app' };
    const p = pod({ containers: [c], securityContext: { runAsNonRoot: true } });
    await assert.rejects(containerConfig(input(p, c, { imageUser: '' })), {
      message: 'container has runAsNonRoot and image will run as root (pod: "web_shop(u-1)", container: app)',
    });
    await assert.rejects(containerConfig(input(p, c, { imageUser: '0:0' })), ContainerConfigError);
    await assert.rejects(containerConfig(input(p, c, { imageUser: 'nobody' })), {
      message: 'container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "web_shop(u-1)", container: app)',
    });
    const ok = await containerConfig(input(p, c, { imageUser: '1000:1000' }));
    assert.equal(ok.linux!.securityContext!.runAsUser, 1000);
    const explicit: Container = { name: 'app', securityContext: { runAsUser: 0 } };
    await assert.rejects(containerConfig(input(pod({ containers: [explicit], securityContext: { runAsNonRoot: true } }), explicit, { imageUser: '1000' })), {
      message: 'container\'s runAsUser breaks non-root policy (pod: "web_shop(u-1)", container: app)',
    });
  });
});

describe('container config', () => {
  it('carries labels, annotations, log path, mounts and the termination log', async () => {
    const c: Container = { name: 'app', image: 'busybox:1', workingDir: '/w', tty: true, stdin: true, ports: [{ containerPort: 80 }] };
    const p = pod({ containers: [c], terminationGracePeriodSeconds: 30 });
    const cfg = await containerConfig(input(p, c, { attempt: 2, mounts: [{ containerPath: '/etc/hosts', hostPath: '/x/hosts' }], terminationLogHostPath: '/x/term' }));
    assert.deepEqual(cfg.metadata, { name: 'app', attempt: 2 });
    assert.equal(cfg.logPath, 'app/2.log');
    assert.equal(cfg.workingDir, '/w');
    assert.deepEqual([cfg.tty, cfg.stdin, cfg.stdinOnce], [true, true, false]);
    assert.deepEqual(cfg.labels, { 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'u-1', 'io.kubernetes.container.name': 'app' });
    assert.equal(cfg.annotations['io.kubernetes.container.restartCount'], '2');
    assert.equal(cfg.annotations['io.kubernetes.container.terminationMessagePath'], '/dev/termination-log');
    assert.equal(cfg.annotations['io.kubernetes.pod.terminationGracePeriod'], '30');
    assert.match(cfg.annotations['io.kubernetes.container.hash']!, /^[0-9a-f]+$/);
    assert.deepEqual(JSON.parse(cfg.annotations['io.kubernetes.container.ports']!), [{ containerPort: 80 }]);
    assert.deepEqual(cfg.mounts, [
      { containerPath: '/etc/hosts', hostPath: '/x/hosts' },
      { containerPath: '/dev/termination-log', hostPath: '/x/term' },
    ]);
  });
});

describe('DNS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const resolv = join(dir, 'resolv.conf');
  writeFileSync(resolv, '# host\nnameserver 192.168.1.1\nnameserver 8.8.8.8\nsearch old.example\nsearch corp.example. lab.example .\noptions timeout:2 ndots:1\noptions timeout:3\n');
  const base = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostResolvConf: resolv };

  it('ClusterFirst: cluster server, cluster searches then the host ones, ndots:5', () => {
    assert.deepEqual(podDNSConfig(pod(), base), {
      servers: ['10.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'lab.example'],
      options: ['ndots:5'],
    });
  });
  it('Default and ClusterFirst on the host network take the host resolv.conf; ClusterFirstWithHostNet does not', () => {
    const host = { servers: ['192.168.1.1', '8.8.8.8'], searches: ['corp.example', 'lab.example'], options: ['timeout:3', 'ndots:1'] };
    assert.deepEqual(podDNSConfig(pod({ dnsPolicy: 'Default' }), base), host);
    assert.deepEqual(podDNSConfig(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), base), host);
    assert.deepEqual(podDNSConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), base).servers, ['10.96.0.10']);
  });
  it('None uses only dnsConfig; dnsConfig merges into others (options by name)', () => {
    const dnsConfig = { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] };
    assert.deepEqual(podDNSConfig(pod({ dnsPolicy: 'None', dnsConfig }), base), { servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:2', 'edns0'] });
    const merged = podDNSConfig(pod({ dnsConfig: { ...dnsConfig, searches: ['cluster.local', 'b.example'] } }), base);
    assert.deepEqual(merged.servers, ['10.96.0.10', '1.1.1.1']);
    assert.deepEqual(merged.searches.slice(-2), ['lab.example', 'b.example']);
    assert.deepEqual(merged.options, ['ndots:2', 'edns0']);
  });
  it('enforces the nameserver, search-count and search-length limits with a warning', () => {
    const events: string[] = [];
    const recorder = { event: (_o: unknown, _t: string, reason: string, msg: string) => events.push(`${reason}: ${msg}`) };
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const r = podDNSConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: many } }), { ...base, recorder });
    assert.deepEqual(r.servers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
    assert.equal(r.searches.length, 32);
    assert.equal(events.length, 2);
    assert.match(events[1]!, /^DNSConfigForming: Search Line limits were exceeded, some search paths have been omitted, the applied search line is: d0\.example d1\.example/);
    const long = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(198)}.example`);
    const r2 = podDNSConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: long } }), base);
    assert.ok(r2.searches.join(' ').length <= 2048);
    assert.equal(r2.searches.length, 9);
  });
});

describe('sandbox config and hosts file', () => {
  const opts = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', logDirectory: '/logs/shop_web_u-1', cgroupParent: '/k8ts/besteffort/podu-1', hostResolvConf: '' };
  it('builds metadata, labels, hostname, ports, sysctls and namespaces', () => {
    const p = pod(
      {
        hostname: 'db-0',
        subdomain: 'db',
        setHostnameAsFQDN: true,
        hostPID: true,
        securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1024' }], fsGroup: 7 },
        containers: [{ name: 'a', securityContext: { privileged: true }, ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }, { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' }] }],
      },
      { labels: { app: 'db' }, annotations: { note: 'x' } },
    );
    const s = sandboxConfig(p, opts);
    assert.deepEqual(s.metadata, { name: 'web', namespace: 'shop', uid: 'u-1', attempt: 0 });
    assert.equal(s.hostname, 'db-0.db.shop.svc.cluster.local');
    assert.deepEqual(s.labels, { app: 'db', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': 'u-1' });
    assert.deepEqual(s.annotations, { note: 'x' });
    assert.deepEqual(s.portMappings, [
      { protocol: 'TCP', containerPort: 80, hostPort: 8080 },
      { protocol: 'UDP', containerPort: 53, hostPort: 5353, hostIp: '127.0.0.1' },
    ]);
    assert.deepEqual(s.linux, { cgroupParent: '/k8ts/besteffort/podu-1', sysctls: { 'net.core.somaxconn': '1024' }, securityContext: { privileged: true, hostPid: true, hostIpc: false, supplementalGroups: [7] } });
    assert.equal(s.logDirectory, '/logs/shop_web_u-1');
    assert.equal(sandboxConfig(pod(), opts).hostname, 'web');
    assert.equal(sandboxConfig(pod({ hostNetwork: true }), opts).hostname, undefined);
    assert.throws(() => sandboxConfig(pod({ hostname: 'a'.repeat(40), subdomain: 'b'.repeat(20), setHostnameAsFQDN: true }), opts), SandboxConfigError);
  });

  it('writes the managed hosts file in upstream format', () => {
    assert.equal(
      hostsFile(pod({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] }), ['10.244.0.7']),
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n10.244.0.7\tweb\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.local\tbar.local\n',
    );
    const sub = hostsFile(pod({ hostname: 'db-0', subdomain: 'db' }), ['10.244.0.8', 'fd00::8']);
    assert.ok(sub.endsWith('10.244.0.8\tdb-0.db.shop.svc.cluster.local\tdb-0\nfd00::8\tdb-0.db.shop.svc.cluster.local\tdb-0\n'));
  });
});
