// Schema of Node (core/v1).
import { arr, bool, define, enumOf, int32, int64, keyedList, mapOf, obj, quantity, ref, setList, str, time } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const atomic = (items: Parameters<typeof arr>[0], description: string) => arr(items, { listType: 'atomic', description });

define(
  `${V1}.Taint`,
  obj(
    {
      effect: enumOf(['NoExecute', 'NoSchedule', 'PreferNoSchedule'], 'What happens to pods that do not tolerate the taint: NoSchedule, PreferNoSchedule or NoExecute.'),
      key: str('Key of the taint.'),
      timeAdded: time('When a NoExecute taint was added.'),
      value: str('Value of the taint.'),
    },
    { required: ['key', 'effect'], description: 'Taint marks a node so that pods not tolerating it are kept away.' },
  ),
);

define(
  `${V1}.ConfigMapNodeConfigSource`,
  obj(
    {
      kubeletConfigKey: str('Key of the ConfigMap that holds the kubelet configuration.'),
      name: str('Name of the ConfigMap.'),
      namespace: str('Namespace of the ConfigMap.'),
      resourceVersion: str('ResourceVersion of the ConfigMap; set in status only.'),
      uid: str('UID of the ConfigMap; set in status only.'),
    },
    { required: ['namespace', 'name', 'kubeletConfigKey'], description: 'ConfigMapNodeConfigSource points at a ConfigMap holding node configuration.' },
  ),
);

define(
  `${V1}.NodeConfigSource`,
  obj({ configMap: ref(`${V1}.ConfigMapNodeConfigSource`, 'A ConfigMap to take the node configuration from.') }, { description: 'NodeConfigSource says where a node\'s configuration comes from.' }),
);

define(
  `${V1}.NodeSpec`,
  obj(
    {
      configSource: ref(`${V1}.NodeConfigSource`, 'Deprecated: where the kubelet should take its configuration from.'),
      externalID: str('Deprecated and unused.'),
      podCIDR: str('IP range assigned to pods on this node.'),
      podCIDRs: setList(str(), 'IP ranges assigned to pods on this node, at most one per IP family; the first equals podCIDR.'),
      providerID: str('ID of the node in the cloud provider, as <provider>://<id>.'),
      taints: atomic(ref(`${V1}.Taint`), 'Taints of the node.'),
      unschedulable: bool('When true, no new pods are scheduled onto the node.'),
    },
    { description: 'NodeSpec is the desired configuration of a node.' },
  ),
);

define(
  `${V1}.NodeCondition`,
  obj(
    {
      lastHeartbeatTime: time('Last time the condition was reported.'),
      lastTransitionTime: time('Last time the condition changed status.'),
      message: str('Human-readable details of the last transition.'),
      reason: str('Machine-readable reason for the last transition.'),
      status: str('Status of the condition: True, False or Unknown.'),
      type: str('Type of the condition, e.g. Ready or MemoryPressure.'),
    },
    { required: ['type', 'status'], description: 'NodeCondition reports one aspect of a node\'s state.' },
  ),
);

define(
  `${V1}.NodeAddress`,
  obj(
    {
      address: str('The address.'),
      type: str('Kind of address: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'),
    },
    { required: ['type', 'address'], description: 'NodeAddress is one address of a node.' },
  ),
);

define(`${V1}.DaemonEndpoint`, obj({ Port: int32('Port number of the endpoint.') }, { required: ['Port'], description: 'DaemonEndpoint is a port a node daemon listens on.' }));

define(
  `${V1}.NodeDaemonEndpoints`,
  obj({ kubeletEndpoint: ref(`${V1}.DaemonEndpoint`, 'Port the kubelet listens on.') }, { description: 'NodeDaemonEndpoints lists the ports of daemons on a node.' }),
);

define(`${V1}.NodeSwapStatus`, obj({ capacity: int64('Total swap memory of the node, in bytes.') }, { description: 'NodeSwapStatus describes the swap memory of a node.' }));

define(
  `${V1}.NodeSystemInfo`,
  obj(
    {
      architecture: str('CPU architecture reported by the node.'),
      bootID: str('ID of the node\'s current boot.'),
      containerRuntimeVersion: str('Container runtime and version, e.g. containerd://1.7.0.'),
      kernelVersion: str('Kernel version reported by uname -r.'),
      kubeProxyVersion: str('Deprecated: version of kube-proxy as reported by the kubelet.'),
      kubeletVersion: str('Version of the kubelet.'),
      machineID: str('Machine ID of the node (/etc/machine-id).'),
      operatingSystem: str('Operating system reported by the node.'),
      osImage: str('OS image reported by the node, from /etc/os-release.'),
      swap: ref(`${V1}.NodeSwapStatus`, 'Swap memory of the node.'),
      systemUUID: str('System UUID reported by the node\'s firmware.'),
    },
    { required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'], description: 'NodeSystemInfo identifies a node\'s software and hardware.' },
  ),
);

define(
  `${V1}.ContainerImage`,
  obj(
    {
      names: atomic(str(), 'Names by which the image is known.'),
      sizeBytes: int64('Size of the image in bytes.'),
    },
    { description: 'ContainerImage is an image present on a node.' },
  ),
);

define(
  `${V1}.AttachedVolume`,
  obj(
    {
      devicePath: str('Where the volume should be available on the node.'),
      name: str('Name of the attached volume.'),
    },
    { required: ['name', 'devicePath'], description: 'AttachedVolume is a volume attached to a node.' },
  ),
);

define(
  `${V1}.NodeConfigStatus`,
  obj(
    {
      active: ref(`${V1}.NodeConfigSource`, 'Configuration the node is running.'),
      assigned: ref(`${V1}.NodeConfigSource`, 'Configuration the node will try to use.'),
      error: str('Problem reconciling the assigned configuration.'),
      lastKnownGood: ref(`${V1}.NodeConfigSource`, 'Configuration the node falls back to on error.'),
    },
    { description: 'NodeConfigStatus reports the state of dynamic node configuration.' },
  ),
);

define(
  `${V1}.NodeRuntimeHandlerFeatures`,
  obj(
    {
      recursiveReadOnlyMounts: bool('Whether the handler supports recursive read-only mounts.'),
      userNamespaces: bool('Whether the handler supports user namespaces.'),
    },
    { description: 'NodeRuntimeHandlerFeatures lists what a runtime handler supports.' },
  ),
);

define(
  `${V1}.NodeRuntimeHandler`,
  obj(
    {
      features: ref(`${V1}.NodeRuntimeHandlerFeatures`, 'Features the handler supports.'),
      name: str('Name of the handler; empty for the default one.'),
    },
    { description: 'NodeRuntimeHandler is a container runtime handler available on a node.' },
  ),
);

define(
  `${V1}.NodeFeatures`,
  obj({ supplementalGroupsPolicy: bool('Whether the node supports the SupplementalGroupsPolicy pod field.') }, { description: 'NodeFeatures lists optional features a node implements.' }),
);

define(
  `${V1}.NodeStatus`,
  obj(
    {
      addresses: keyedList(ref(`${V1}.NodeAddress`), 'type', 'Addresses the node is reachable at.'),
      allocatable: mapOf(quantity(), 'Resources available to pods; defaults to capacity.'),
      capacity: mapOf(quantity(), 'Total resources of the node.'),
      conditions: keyedList(ref(`${V1}.NodeCondition`), 'type', 'Current conditions of the node.'),
      config: ref(`${V1}.NodeConfigStatus`, 'Status of dynamic node configuration.'),
      daemonEndpoints: ref(`${V1}.NodeDaemonEndpoints`, 'Ports of daemons running on the node.'),
      features: ref(`${V1}.NodeFeatures`, 'Optional features the node implements.'),
      images: atomic(ref(`${V1}.ContainerImage`), 'Container images present on the node.'),
      nodeInfo: ref(`${V1}.NodeSystemInfo`, 'Identification of the node\'s software and hardware.'),
      phase: enumOf(['Pending', 'Running', 'Terminated'], 'Deprecated: lifecycle phase of the node.'),
      runtimeHandlers: atomic(ref(`${V1}.NodeRuntimeHandler`), 'Runtime handlers available on the node.'),
      volumesAttached: atomic(ref(`${V1}.AttachedVolume`), 'Volumes attached to the node.'),
      volumesInUse: atomic(str(), 'Volumes in use (mounted) by the node.'),
    },
    { description: 'NodeStatus is the observed state of a node.' },
  ),
);

define(
  `${V1}.Node`,
  obj(
    {
      apiVersion: apiVersionField(),
      kind: kindField(),
      metadata: objectMeta(),
      spec: ref(`${V1}.NodeSpec`, 'Desired configuration of the node.'),
      status: ref(`${V1}.NodeStatus`, 'Most recently observed state of the node.'),
    },
    { description: 'Node is a machine that runs pods.' },
  ),
);
