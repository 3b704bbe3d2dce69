import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/meta/types.js';
import { defaultPrinter, printerFor } from './index.js';

const now = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const MIN = 60_000;

function obj(kind: string, fields: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { kind, metadata: { name: 'x', creationTimestamp: ago(5 * MIN), ...meta }, ...fields };
}
const row = (group: string, o: KubeObject) => printerFor(group, o.kind!).cells(o, now);
const colNames = (group: string, kind: string) => printerFor(group, kind).columns.map((c) => c.name);

test('service: type, cluster IP, external IP and ports', () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => row('', obj('Service', { spec, status }));
  assert.deepEqual(
    svc({ type: 'NodePort', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }], selector: { app: 'web' } }),
    ['x', 'NodePort', '10.96.0.20', '<none>', '80:30080/TCP,443/TCP', '5m', 'app=web'],
  );
  assert.equal(svc({ type: 'LoadBalancer', clusterIP: '10.96.0.3', ports: [{ port: 53, protocol: 'UDP' }] })[3], '<pending>');
  assert.equal(svc({ type: 'LoadBalancer', ports: [] }, { loadBalancer: { ingress: [{ ip: '1.2.3.5' }, { hostname: 'lb.example' }, { ip: '1.2.3.4' }] } })[3], '1.2.3.4,1.2.3.5,lb.example');
  assert.equal(svc({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }).slice(0, 5).join('|'), 'x|LoadBalancer|<none>|1.2.3.4|<none>');
  assert.equal(svc({ type: 'ClusterIP', externalIPs: ['5.6.7.8', '5.6.7.9'] })[3], '5.6.7.8,5.6.7.9');
  assert.equal(svc({ type: 'ExternalName', externalName: 'db.example.com' })[3], 'db.example.com');
  assert.equal(svc({ clusterIP: 'None' })[1], 'ClusterIP');
  assert.equal(svc({ clusterIP: 'None' })[2], 'None');
  assert.equal(svc({})[6], '<none>');
});

test('endpoints: three addresses then "+ N more..."', () => {
  const ep = (subsets: unknown[] | undefined) => row('', obj('Endpoints', subsets ? { subsets } : {}))[1];
  assert.equal(ep(undefined), '<none>');
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }]), '10.0.0.1:80,10.0.0.2:80');
  assert.equal(
    ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }]),
    '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...',
  );
  assert.equal(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }, { ip: '10.0.0.4' }, { ip: '10.0.0.5' }] }]), '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...');
  assert.equal(ep([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 8080 }] }]), '[fd00::1]:8080');
});

test('node: status, roles, version and wide columns', () => {
  const node = (labels: Record<string, string>, spec: Record<string, unknown>, conditions?: unknown[]) =>
    row('', obj('Node', {
      spec,
      status: {
        conditions,
        addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.10' }],
        nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7' },
      },
    }, { labels }));
  assert.deepEqual(
    node({ 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/etcd': 'true' }, {}, [{ type: 'Ready', status: 'True' }]),
    ['x', 'Ready', 'control-plane,etcd', '5m', 'v1.32.0', '192.168.1.10', '<none>', 'Debian GNU/Linux 12', '6.1.0', 'containerd://1.7'],
  );
  assert.equal(node({}, { unschedulable: true }, [{ type: 'Ready', status: 'True' }])[1], 'Ready,SchedulingDisabled');
  assert.equal(node({}, {}, [{ type: 'Ready', status: 'False' }])[1], 'NotReady');
  assert.equal(node({}, {}, [{ type: 'Ready', status: 'Unknown' }])[1], 'NotReady');
  assert.equal(node({}, {}, [{ type: 'MemoryPressure', status: 'False' }])[1], 'Unknown');
  assert.equal(node({}, {}, undefined)[2], '<none>');
  assert.equal(node({ 'kubernetes.io/role': 'worker' }, {})[2], 'worker');
  const cols = printerFor('', 'Node').columns;
  assert.deepEqual(cols.filter((c) => c.priority === 1).map((c) => c.name), ['Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']);
});

test('deployment: ready text, counts, wide containers and selector', () => {
  const d = obj('Deployment', {
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['b', 'a'] }] },
      template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } },
    },
    status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
  });
  assert.deepEqual(row('apps', d), ['x', '2/3', 3, 2, '5m', 'nginx,side', 'nginx:1.27,busybox', 'app=web,tier in (a,b)']);
  const fresh = obj('Deployment', { spec: { template: { spec: { containers: [] } } }, status: {} });
  assert.deepEqual(row('apps', fresh).slice(1, 4), ['0/1', 0, 0]);
  assert.deepEqual(printerFor('apps', 'Deployment').columns.map((c) => c.priority), [0, 0, 0, 0, 0, 1, 1, 1]);
});

test('replica sets, stateful sets, daemon sets and controller revisions', () => {
  const rs = obj('ReplicaSet', { spec: { replicas: 2, selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } }, status: { replicas: 2, readyReplicas: 1 } });
  assert.deepEqual(row('apps', rs), ['x', 2, 2, 1, '5m', 'c', 'i', 'app=a']);
  const ss = obj('StatefulSet', { spec: { replicas: 3, template: { spec: { containers: [] } } }, status: { readyReplicas: 1 } });
  assert.equal(row('apps', ss)[1], '1/3');
  const ds = obj('DaemonSet', {
    spec: { selector: { matchLabels: { k: 'v' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [] } } },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
  });
  assert.deepEqual(row('apps', ds).slice(0, 8), ['x', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '5m']);
  const cr = obj('ControllerRevision', { revision: 4 }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] });
  assert.deepEqual(row('apps', cr), ['x', 'statefulset.apps/web', 4, '5m']);
  assert.equal(row('apps', obj('ControllerRevision', { revision: 1 }))[1], '<none>');
});

test('job: status precedence, completions and duration', () => {
  const job = (spec: Record<string, unknown>, status: Record<string, unknown>, meta: Record<string, unknown> = {}) => row('batch', obj('Job', { spec, status }, meta));
  const complete = job({ completions: 1 }, { succeeded: 1, startTime: ago(10 * MIN), completionTime: ago(10 * MIN - 42_000), conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] });
  assert.deepEqual(complete.slice(0, 5), ['x', 'Complete', '1/1', '42s', '5m']);
  const runningJob = job({ completions: 3 }, { succeeded: 1, startTime: ago(3 * MIN) });
  assert.deepEqual(runningJob.slice(1, 4), ['Running', '1/3', '3m']);
  assert.equal(job({}, { conditions: [{ type: 'Failed', status: 'True' }] })[1], 'Failed');
  assert.equal(job({}, { conditions: [{ type: 'Suspended', status: 'True' }] })[1], 'Suspended');
  assert.equal(job({}, { conditions: [{ type: 'Suspended', status: 'False' }] })[1], 'Running');
  assert.equal(job({}, { conditions: [{ type: 'FailureTarget', status: 'True' }] })[1], 'FailureTarget');
  assert.equal(job({}, {}, { deletionTimestamp: ago(0) })[1], 'Terminating');
  assert.equal(job({}, {})[3], '');
  assert.equal(job({ parallelism: 4 }, { succeeded: 2 })[2], '2/1 of 4');
  assert.equal(job({ parallelism: 1 }, {})[2], '0/1');
});

test('cronjob: schedule, timezone, suspend, active, last schedule', () => {
  const cj = obj('CronJob', { spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } }, status: { active: [{}], lastScheduleTime: ago(2 * MIN) } });
  assert.deepEqual(row('batch', cj), ['x', '*/5 * * * *', '<none>', 'False', 1, '2m', '5m', 'c', 'busybox', '<none>']);
  const never = obj('CronJob', { spec: { schedule: '@daily', timeZone: 'Etc/UTC' }, status: {} });
  assert.deepEqual(row('batch', never).slice(2, 6), ['Etc/UTC', '<unset>', 0, '<none>']);
});

test('hpa: reference, targets in v2 and v1 forms, min/max/replicas', () => {
  const v2 = obj('HorizontalPodAutoscaler', {
    apiVersion: 'autoscaling/v2',
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
    },
    status: { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 50 } } }] },
  });
  assert.deepEqual(row('autoscaling', v2), ['x', 'Deployment/web', 'cpu: 50%/80%, memory: <unknown>/100Mi + 1 more...', '1', 10, 2, '5m']);
  const v1 = obj('HorizontalPodAutoscaler', { apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, maxReplicas: 5, targetCPUUtilizationPercentage: 70 }, status: { currentReplicas: 0 } });
  assert.deepEqual(row('autoscaling', v1).slice(1, 4), ['Deployment/api', 'cpu: <unknown>/70%', '<unset>']);
  const defaulted = obj('HorizontalPodAutoscaler', { spec: { scaleTargetRef: { kind: 'Deployment', name: 'api' }, maxReplicas: 5 }, status: { currentCPUUtilizationPercentage: 12 } });
  assert.equal(row('autoscaling', defaulted)[2], 'cpu: 12%/80%');
});

test('ingress and ingress class', () => {
  const ing = obj('Ingress', {
    spec: { ingressClassName: 'nginx', rules: [{ host: 'a.example' }, {}, { host: 'b.example' }, { host: 'c.example' }, { host: 'd.example' }], tls: [{ hosts: ['a.example'] }] },
    status: { loadBalancer: { ingress: [{ ip: '192.168.1.240' }] } },
  });
  assert.deepEqual(row('networking.k8s.io', ing), ['x', 'nginx', 'a.example,b.example,c.example + 2 more...', '192.168.1.240', '80, 443', '5m']);
  assert.deepEqual(row('networking.k8s.io', obj('Ingress', { spec: { rules: [{}] } })).slice(1, 5), ['<none>', '*', '', '80']);
  const ic = obj('IngressClass', { spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } });
  assert.deepEqual(row('networking.k8s.io', ic).slice(1, 3), ['k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p']);
  assert.equal(row('networking.k8s.io', obj('NetworkPolicy', { spec: { podSelector: {} } }))[1], '<none>');
  assert.equal(row('networking.k8s.io', obj('NetworkPolicy', { spec: { podSelector: { matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }, { key: 'a', operator: 'Exists' }] } } }))[1], 'a,!x');
});

test('endpoint slices: ports and endpoints lists', () => {
  const es = obj('EndpointSlice', {
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 80 }, { name: 'named' }, {}, { port: 9000 }],
    endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
  });
  assert.deepEqual(row('discovery.k8s.io', es), ['x', 'IPv4', '80,named,* + 1 more...', '10.0.0.1,10.0.0.2', '5m']);
  assert.deepEqual(row('discovery.k8s.io', obj('EndpointSlice', { addressType: 'IPv6' })).slice(2, 4), ['<unset>', '<unset>']);
});

test('events: core and events.k8s.io give the same cells', () => {
  const core = obj('Event', {
    apiVersion: 'v1', involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' }, type: 'Warning', reason: 'BackOff',
    message: 'Back-off restarting failed container \n', firstTimestamp: ago(10 * MIN), lastTimestamp: ago(MIN), count: 7,
    source: { component: 'kubelet', host: 'n1' },
  }, { name: 'web-1.17a' });
  const expected = ['60s', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, n1', 'Back-off restarting failed container', '10m', 7, 'web-1.17a'];
  assert.deepEqual(row('', core), expected);
  const v1 = obj('Event', {
    apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' }, type: 'Warning', reason: 'BackOff',
    note: 'Back-off restarting failed container', deprecatedFirstTimestamp: ago(10 * MIN), deprecatedLastTimestamp: ago(MIN), deprecatedCount: 7,
    deprecatedSource: { component: 'kubelet', host: 'n1' },
  }, { name: 'web-1.17a' });
  assert.deepEqual(row('events.k8s.io', v1), expected);
  const single = obj('Event', { apiVersion: 'events.k8s.io/v1', regarding: { kind: 'Node' }, eventTime: ago(3000), reportingController: 'k8ts-scheduler', note: 'x' });
  const c = row('events.k8s.io', single);
  assert.deepEqual([c[0], c[3], c[5], c[7], c[8]], ['3s', 'node', 'k8ts-scheduler', '3s', 1]);
  const cols = printerFor('', 'Event').columns;
  assert.deepEqual(cols.filter((x) => x.priority === 0).map((x) => x.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  assert.equal(cols.find((x) => x.name === 'Name')?.format, 'name');
});

test('config kinds: configmap, secret, service account, namespace, quota', () => {
  assert.deepEqual(row('', obj('ConfigMap', { data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })), ['x', 3, '5m']);
  assert.deepEqual(row('', obj('Secret', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } })), ['x', 'kubernetes.io/tls', 2, '5m']);
  assert.deepEqual(row('', obj('ServiceAccount', {})), ['x', 0, '5m']);
  assert.deepEqual(row('', obj('Namespace', { status: { phase: 'Terminating' } })), ['x', 'Terminating', '5m']);
  const quota = obj('ResourceQuota', { status: { hard: { pods: '10', 'requests.cpu': '2', 'limits.memory': '2Gi' }, used: { pods: '1', 'limits.memory': '512Mi' } } });
  assert.deepEqual(row('', quota), ['x', 'pods: 1/10, requests.cpu: 0/2', 'limits.memory: 512Mi/2Gi', '5m']);
});

test('storage: PV, PVC and StorageClass', () => {
  const pv = obj('PersistentVolume', {
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'ns', name: 'data' }, storageClassName: 'fast' },
    status: { phase: 'Bound' },
  });
  assert.deepEqual(row('', pv), ['x', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'ns/data', 'fast', '<unset>', '', '5m', '<unset>']);
  const pending = obj('PersistentVolumeClaim', { spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } });
  assert.deepEqual(row('', pending), ['x', 'Pending', '', '', '', 'fast', '<unset>', '5m', '<unset>']);
  const bound = obj('PersistentVolumeClaim', { spec: { volumeName: 'pv1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'] } }, { deletionTimestamp: ago(0) });
  assert.deepEqual(row('', bound).slice(1, 5), ['Terminating', 'pv1', '5Gi', 'RWO']);
  const sc = obj('StorageClass', { provisioner: 'rancher.io/local-path' }, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
  assert.deepEqual(row('storage.k8s.io', sc), ['x (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '5m']);
});

test('rbac bindings, lease, PDB, priority class', () => {
  const rb = obj('RoleBinding', {
    roleRef: { kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'Group', name: 'devs' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }, { kind: 'User', name: 'bob' }],
  });
  assert.deepEqual(row('rbac.authorization.k8s.io', rb), ['x', 'ClusterRole/view', '5m', 'alice, bob', 'devs', 'ns/sa']);
  assert.deepEqual(colNames('rbac.authorization.k8s.io', 'ClusterRole'), ['Name', 'Created At']);
  assert.deepEqual(row('coordination.k8s.io', obj('Lease', { spec: { holderIdentity: 'node-1' } })), ['x', 'node-1', '5m']);
  assert.deepEqual(row('policy', obj('PodDisruptionBudget', { spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } })), ['x', '50%', 'N/A', 1, '5m']);
  assert.deepEqual(row('scheduling.k8s.io', obj('PriorityClass', { value: 1000, preemptionPolicy: 'Never' })), ['x', 1000, false, '5m', 'Never']);
});

test('default printer: Name and Created At for kinds without a printer', () => {
  assert.equal(printerFor('', 'LimitRange'), defaultPrinter);
  assert.equal(printerFor('example.com', 'Widget'), defaultPrinter);
  const cols = printerFor('', 'LimitRange').columns;
  assert.deepEqual(cols.map((c) => [c.name, c.type, c.format]), [['Name', 'string', 'name'], ['Created At', 'date', '']]);
  assert.deepEqual(printerFor('', 'LimitRange').cells(obj('LimitRange', {}, { creationTimestamp: '2024-04-01T08:30:00Z' }), now), ['x', '2024-04-01T08:30:00Z']);
});

test('every printer: Name column with format name, cells match columns', () => {
  const kinds: [string, string][] = [
    ['', 'Pod'], ['', 'PodTemplate'], ['', 'ReplicationController'], ['', 'Service'], ['', 'Endpoints'], ['', 'Namespace'], ['', 'Node'],
    ['', 'ConfigMap'], ['', 'Secret'], ['', 'ServiceAccount'], ['', 'PersistentVolume'], ['', 'PersistentVolumeClaim'], ['', 'ResourceQuota'],
    ['', 'LimitRange'], ['', 'Event'], ['events.k8s.io', 'Event'], ['apps', 'Deployment'], ['apps', 'ReplicaSet'], ['apps', 'DaemonSet'],
    ['apps', 'StatefulSet'], ['apps', 'ControllerRevision'], ['batch', 'Job'], ['batch', 'CronJob'], ['autoscaling', 'HorizontalPodAutoscaler'],
    ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'IngressClass'], ['networking.k8s.io', 'NetworkPolicy'],
    ['rbac.authorization.k8s.io', 'Role'], ['rbac.authorization.k8s.io', 'RoleBinding'], ['rbac.authorization.k8s.io', 'ClusterRoleBinding'],
    ['coordination.k8s.io', 'Lease'], ['discovery.k8s.io', 'EndpointSlice'], ['storage.k8s.io', 'StorageClass'], ['policy', 'PodDisruptionBudget'],
    ['scheduling.k8s.io', 'PriorityClass'], ['certificates.k8s.io', 'CertificateSigningRequest'], ['node.k8s.io', 'RuntimeClass'],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'], ['flowcontrol.apiserver.k8s.io', 'FlowSchema'],
    ['flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration'], ['storage.k8s.io', 'CSIDriver'], ['storage.k8s.io', 'VolumeAttachment'],
  ];
  for (const [group, kind] of kinds) {
    const p = printerFor(group, kind);
    const name = p.columns.find((c) => c.name === 'Name');
    assert.equal(name?.format, 'name', `${group}/${kind} name column`);
    if (kind !== 'Event') assert.equal(p.columns[0].name, 'Name', `${group}/${kind} leads with Name`);
    // An object with nothing but metadata must still print a full row.
    const cells = p.cells({ kind, metadata: { name: 'bare' } }, now);
    assert.equal(cells.length, p.columns.length, `${group}/${kind} cell count`);
    assert.ok(cells.includes('bare') || cells.includes('bare (default)'), `${group}/${kind} prints the name`);
    for (const c of p.columns) assert.ok(c.priority === 0 || c.priority === 1, `${group}/${kind} ${c.name} priority`);
  }
});
