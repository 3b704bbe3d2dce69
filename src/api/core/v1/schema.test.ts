import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { allDefinitions, lookupDefinition, ref, type Schema } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { coreKinds } from './kinds.js';

const MANIFESTS = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default, labels: {app: web}}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080, protocol: TCP, nodePort: 30080, appProtocol: http}
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
  externalTrafficPolicy: Local
  healthCheckNodePort: 31000
  ipFamilyPolicy: SingleStack
  ipFamilies: [IPv4]
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10]
  loadBalancerSourceRanges: [10.0.0.0/8]
  allocateLoadBalancerNodePorts: true
  internalTrafficPolicy: Cluster
  trafficDistribution: PreferClose
status:
  loadBalancer: {ingress: [{ip: 192.0.2.1, ipMode: VIP, ports: [{port: 80, protocol: TCP}]}]}
  conditions: [{type: Ready, status: "True", lastTransitionTime: "2024-01-01T00:00:00Z", reason: Ok, message: ok}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: default}
subsets:
- addresses: [{ip: 10.244.1.5, nodeName: node1, hostname: web-0, targetRef: {kind: Pod, name: web-0, namespace: default}}]
  notReadyAddresses: [{ip: 10.244.1.6}]
  ports: [{name: http, port: 8080, protocol: TCP, appProtocol: http}]
---
apiVersion: v1
kind: Namespace
metadata: {name: team-a}
spec: {finalizers: [kubernetes]}
status: {phase: Active, conditions: [{type: NamespaceDeletionDiscoveryFailure, status: "False"}]}
---
apiVersion: v1
kind: Node
metadata: {name: node1, labels: {kubernetes.io/hostname: node1}}
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  providerID: k8ts://node1
  unschedulable: false
  taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 7Gi, pods: "110"}
  conditions: [{type: Ready, status: "True", lastHeartbeatTime: "2024-01-01T00:00:00Z", lastTransitionTime: "2024-01-01T00:00:00Z", reason: KubeletReady, message: ready}]
  addresses: [{type: InternalIP, address: 192.168.1.10}, {type: Hostname, address: node1}]
  daemonEndpoints: {kubeletEndpoint: {Port: 10250}}
  nodeInfo: {machineID: m, systemUUID: s, bootID: b, kernelVersion: "6.1", osImage: Debian, containerRuntimeVersion: containerd://1.7, kubeletVersion: v1.32.0, kubeProxyVersion: v1.32.0, operatingSystem: linux, architecture: amd64}
  images: [{names: [busybox:latest], sizeBytes: 1234}]
  volumesInUse: [kubernetes.io/csi/x]
  volumesAttached: [{name: kubernetes.io/csi/x, devicePath: ""}]
  runtimeHandlers: [{name: runc, features: {recursiveReadOnlyMounts: true, userNamespaces: false}}]
  features: {supplementalGroupsPolicy: true}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg, namespace: default}
data: {game.properties: "lives=3"}
binaryData: {logo: aGVsbG8=}
immutable: false
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: default}
type: kubernetes.io/basic-auth
stringData: {username: admin}
data: {password: czNjcjN0}
immutable: true
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: build, namespace: default}
secrets: [{name: build-token}]
imagePullSecrets: [{name: regcred}]
automountServiceAccountToken: false
---
apiVersion: v1
kind: Event
metadata: {name: web.17a, namespace: default}
involvedObject: {kind: Pod, name: web, namespace: default, uid: u, apiVersion: v1, resourceVersion: "5", fieldPath: "spec.containers{web}"}
reason: Pulled
message: pulled image
source: {component: kubelet, host: node1}
firstTimestamp: "2024-01-01T00:00:00Z"
lastTimestamp: "2024-01-01T00:00:00Z"
count: 2
type: Normal
eventTime: null
series: {count: 2, lastObservedTime: "2024-01-01T00:00:00.000000Z"}
action: Pull
reportingComponent: kubelet
reportingInstance: node1
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: local
  volumeMode: Filesystem
  mountOptions: [noatime]
  local: {path: /mnt/disk, fsType: ext4}
  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: data}
  nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node1]}]}]}}
status: {phase: Bound, lastPhaseTransitionTime: "2024-01-01T00:00:00Z"}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv2}
spec:
  capacity: {storage: 10Gi}
  accessModes: [ReadWriteMany]
  csi:
    driver: nfs.csi.k8s.io
    volumeHandle: vol-1
    volumeAttributes: {server: nfs}
    nodePublishSecretRef: {name: s, namespace: default}
    controllerExpandSecretRef: {name: s, namespace: default}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}, limits: {storage: 2Gi}}
  storageClassName: standard
  volumeMode: Filesystem
  volumeName: pv1
  selector: {matchLabels: {tier: db}}
  dataSourceRef: {apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap, namespace: other}
status:
  phase: Bound
  accessModes: [ReadWriteOnce]
  capacity: {storage: 1Gi}
  allocatedResources: {storage: 1Gi}
  allocatedResourceStatuses: {storage: ControllerResizeInProgress}
  conditions: [{type: Resizing, status: "True"}]
  modifyVolumeStatus: {status: Pending, targetVolumeAttributesClassName: gold}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lim, namespace: default}
spec:
  limits:
  - {type: Container, max: {cpu: "2"}, min: {cpu: 100m}, default: {cpu: 500m}, defaultRequest: {cpu: 200m}, maxLimitRequestRatio: {cpu: "10"}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: default}
spec:
  hard: {pods: "10", requests.cpu: "4"}
  scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [high]}]}
status: {hard: {pods: "10"}, used: {pods: "2"}}
`;

// yaml's parse is untyped: each test reads and edits fields of its own choosing.
const docs: { kind: string }[] = MANIFESTS.split(/^---$/m).map((d) => parse(d));
const schemaFor = (kind: string) => {
  const def = coreKinds.find((k) => k.kind === kind);
  assert.ok(def, `no kind ${kind}`);
  return ref(def.schema);
};

test('realistic manifests of every kind have no unknown fields', () => {
  assert.equal(docs.length, 13);
  for (const doc of docs) assert.deepEqual(findUnknownFields(doc, schemaFor(doc.kind)), [], `${doc.kind} has unknown fields`);
});

test('misspelled fields are reported at their path', () => {
  const svc = structuredClone(docs[0]) as unknown as { spec: { ports: Record<string, unknown>[] } };
  svc.spec.ports[0]!['targetport'] = 80;
  assert.deepEqual(findUnknownFields(svc, schemaFor('Service')), ['spec.ports[0].targetport']);
  const node = structuredClone(docs[3]) as unknown as { status: { nodeInfo: Record<string, unknown> } };
  node.status.nodeInfo['kernel'] = 'x';
  assert.deepEqual(findUnknownFields(node, schemaFor('Node')), ['status.nodeInfo.kernel']);
  const pvc = structuredClone(docs[10]) as unknown as { spec: Record<string, unknown> };
  pvc.spec['storageClass'] = 'x';
  assert.deepEqual(findUnknownFields(pvc, schemaFor('PersistentVolumeClaim')), ['spec.storageClass']);
});

test('patch metadata: service ports by port+protocol, node lists by type, subsets atomic', () => {
  const props = (name: string) => {
    const d = lookupDefinition(name);
    assert.ok(d && d.type === 'object');
    return d.properties;
  };
  const ports = props('io.k8s.api.core.v1.ServiceSpec')['ports'] as Extract<Schema, { type: 'array' }>;
  assert.equal(ports.patchMergeKey, 'port');
  assert.deepEqual(ports.listMapKeys, ['port', 'protocol']);
  const status = props('io.k8s.api.core.v1.NodeStatus');
  assert.equal((status['addresses'] as Extract<Schema, { type: 'array' }>).patchMergeKey, 'type');
  assert.equal((status['conditions'] as Extract<Schema, { type: 'array' }>).patchMergeKey, 'type');
  assert.equal((props('io.k8s.api.core.v1.Endpoints')['subsets'] as Extract<Schema, { type: 'array' }>).listType, 'atomic');
});

test('every kind names a defined schema and every reference it makes resolves (bar Pod-family types)', () => {
  const podFamily = new Set(['ObjectReference', 'LocalObjectReference', 'NodeSelector', 'TypedLocalObjectReference', 'HostPathVolumeSource', 'NFSVolumeSource', 'AWSElasticBlockStoreVolumeSource', 'AzureDiskVolumeSource', 'FCVolumeSource', 'FlockerVolumeSource', 'GCEPersistentDiskVolumeSource', 'PhotonPersistentDiskVolumeSource', 'PortworxVolumeSource', 'QuobyteVolumeSource', 'VsphereVirtualDiskVolumeSource']);
  const unresolved = new Set<string>();
  const walk = (s: Schema): void => {
    if (s.type === 'ref') {
      if (!lookupDefinition(s.ref) && !podFamily.has(s.ref.replace('io.k8s.api.core.v1.', ''))) unresolved.add(s.ref);
    } else if (s.type === 'object') Object.values(s.properties).forEach(walk);
    else if (s.type === 'map') walk(s.values);
    else if (s.type === 'array') walk(s.items);
  };
  for (const k of coreKinds) {
    assert.ok(lookupDefinition(k.schema), `${k.kind} schema`);
    assert.equal(k.group, '');
    assert.equal(k.version, 'v1');
  }
  for (const [name, s] of allDefinitions()) if (name.startsWith('io.k8s.api.core.v1.')) walk(s);
  assert.deepEqual([...unresolved], []);
  assert.deepEqual(coreKinds.map((k) => k.shortNames?.[0]), ['cm', 'ep', 'ev', 'limits', 'ns', 'no', 'pvc', 'pv', 'quota', undefined, 'sa', 'svc']);
});
