// The controllers' own roles (upstream's bootstrappolicy/controller_policy.go, Kubernetes 1.32):
// with --use-service-account-credentials every controller writes as ServiceAccount
// kube-system/<name> and holds only ClusterRole system:controller:<name>, bound by a binding of the
// same name. Only the controllers k8ts runs are here; their rules are upstream's, checked against
// what k8ts's controllers write (their reads come from the shared informers, which run under the
// controller manager's own identity). The names must match the ones the controller manager asks
// tokens for (controllers/manager.ts).
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from '../../api/rbac/v1/types.js';
import { binding, EVENT_WRITE, r, READ, role, serviceAccount } from './policy-builders.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';
/** The namespace every controller's ServiceAccount lives in. */
export const CONTROLLER_NAMESPACE = 'kube-system';

/** upstream's eventsRule(): every controller that records Events may write both kinds of them. */
const events = r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']);

interface ControllerRole {
  /** The ServiceAccount's name; the role and binding are system:controller:<name>. */
  name: string;
  rules: PolicyRule[];
}

const CONTROLLERS: readonly ControllerRole[] = [
  {
    // Any scale subresource, the pods its selector picks and the metrics APIs (upstream's rules).
    name: 'horizontal-pod-autoscaler',
    rules: [
      r(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      r(['update'], ['autoscaling'], ['horizontalpodautoscalers/status']),
      r(['get', 'update'], ['*'], ['*/scale']),
      r(['list'], [''], ['pods']),
      r(['list'], ['metrics.k8s.io'], ['pods']),
      r(['get', 'list'], ['custom.metrics.k8s.io'], ['*']),
      r(['get', 'list'], ['external.metrics.k8s.io'], ['*']),
      events,
    ],
  },
  {
    // It must be able to write any rule into an aggregated role, hence escalate.
    name: 'clusterrole-aggregation-controller',
    rules: [r(['escalate', 'get', 'list', 'watch', 'update', 'patch'], ['rbac.authorization.k8s.io'], ['clusterroles'])],
  },
  {
    // csrapproving, csrsigning and csrcleaner share it, as upstream's. Approving kubelet-serving
    // requests is k8ts's own addition (docs/security.md), hence its name among the approved signers.
    name: 'certificate-controller',
    rules: [
      r(['get', 'list', 'watch', 'delete'], ['certificates.k8s.io'], ['certificatesigningrequests']),
      r(['update'], ['certificates.k8s.io'], ['certificatesigningrequests/status', 'certificatesigningrequests/approval']),
      r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
      r(['sign'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/legacy-unknown', 'kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving']),
      r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      events,
    ],
  },
  {
    name: 'cronjob-controller',
    rules: [
      r(['get', 'list', 'watch', 'update'], ['batch'], ['cronjobs']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
      r(['update'], ['batch'], ['cronjobs/status']),
      r(['update'], ['batch'], ['cronjobs/finalizers']),
      r(['list', 'watch', 'delete'], [''], ['pods']),
      events,
    ],
  },
  {
    name: 'daemon-set-controller',
    rules: [
      r(READ, ['extensions', 'apps'], ['daemonsets']),
      r(['update'], ['extensions', 'apps'], ['daemonsets/status']),
      r(['update'], ['extensions', 'apps'], ['daemonsets/finalizers']),
      r(['list', 'watch'], [''], ['nodes']),
      r(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      r(['create'], [''], ['pods/binding']),
      r(['get', 'list', 'watch', 'create', 'delete', 'update', 'patch'], ['apps'], ['controllerrevisions']),
      events,
    ],
  },
  {
    name: 'deployment-controller',
    rules: [
      r(['get', 'list', 'watch', 'update'], ['extensions', 'apps'], ['deployments']),
      r(['update'], ['extensions', 'apps'], ['deployments/status']),
      r(['update'], ['extensions', 'apps'], ['deployments/finalizers']),
      r(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
      r(['get', 'list', 'watch', 'update'], [''], ['pods']),
      events,
    ],
  },
  {
    name: 'disruption-controller',
    rules: [
      r(READ, ['extensions', 'apps'], ['deployments']),
      r(READ, ['apps', 'extensions'], ['replicasets']),
      r(READ, [''], ['replicationcontrollers']),
      r(READ, ['policy'], ['poddisruptionbudgets']),
      r(READ, ['apps'], ['statefulsets']),
      r(['update'], ['policy'], ['poddisruptionbudgets/status']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(['get'], ['*'], ['*/scale']),
      events,
    ],
  },
  {
    name: 'endpoint-controller',
    rules: [
      r(READ, [''], ['services', 'pods']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete'], [''], ['endpoints']),
      r(['create'], [''], ['endpoints/restricted']),
      events,
    ],
  },
  {
    name: 'endpointslice-controller',
    rules: [
      r(READ, [''], ['services', 'pods', 'nodes']),
      // Its slices are owned by the Service with blockOwnerDeletion, which takes the owner's finalizers.
      r(['update'], [''], ['services/finalizers']),
      r(['get', 'list', 'watch', 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
      events,
    ],
  },
  {
    // Creates the `<pod>-<volume>` claims of ephemeral volumes.
    name: 'ephemeral-volume-controller',
    rules: [
      r(['get', 'list', 'watch'], [''], ['pods']),
      r(['update'], [''], ['pods/finalizers']),
      r(['get', 'list', 'watch', 'create'], [''], ['persistentvolumeclaims']),
      events,
    ],
  },
  {
    // Reads, patches and deletes whatever has owners, of any kind.
    name: 'generic-garbage-collector',
    rules: [r(['get', 'list', 'watch', 'patch', 'update', 'delete'], ['*'], ['*']), events],
  },
  {
    name: 'job-controller',
    rules: [
      r(['get', 'list', 'watch', 'update', 'patch'], ['batch'], ['jobs']),
      r(['update'], ['batch'], ['jobs/status']),
      r(['update'], ['batch'], ['jobs/finalizers']),
      r(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
      events,
    ],
  },
  {
    // Empties a terminating namespace of every kind in it.
    name: 'namespace-controller',
    rules: [
      r(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
      r(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
      r(['get', 'list', 'watch', 'delete', 'deletecollection'], ['*'], ['*']),
    ],
  },
  {
    // Node lifecycle, and node IPAM too: upstream starts both with the node-controller's client.
    name: 'node-controller',
    rules: [
      r(['get', 'list', 'watch', 'update', 'delete', 'patch'], [''], ['nodes']),
      r(['patch', 'update'], [''], ['nodes/status']),
      r(['patch', 'update'], [''], ['pods/status']),
      r(['list', 'watch', 'get', 'delete'], [''], ['pods']),
      events,
    ],
  },
  {
    // The PV binder: binds, reclaims and deletes volumes, annotates claims for provisioners.
    // Upstream's role still carries the rules of removed in-tree plugins (glusterfs endpoints and
    // services, openstack nodes, the recycler's event watch); kept, so the role reads as upstream's.
    name: 'persistent-volume-binder',
    rules: [
      r(['get', 'list', 'watch', 'update', 'create', 'delete'], [''], ['persistentvolumes']),
      r(['update'], [''], ['persistentvolumes/status']),
      r(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']),
      r(['update'], [''], ['persistentvolumeclaims/status']),
      r(['list', 'watch', 'get', 'create', 'delete'], [''], ['pods']),
      r(['get', 'list', 'watch'], ['storage.k8s.io'], ['storageclasses']),
      r(['get', 'create', 'update', 'delete'], [''], ['endpoints']),
      r(['get', 'create', 'delete'], [''], ['services']),
      r(['get'], [''], ['secrets']),
      r(['get', 'list'], [''], ['nodes']),
      r(['watch'], [''], ['events']),
      events,
    ],
  },
  {
    name: 'pod-garbage-collector',
    rules: [r(['list', 'watch', 'delete'], [''], ['pods']), r(READ, [''], ['nodes']), r(['patch'], [''], ['pods/status'])],
  },
  {
    name: 'pv-protection-controller',
    rules: [r(['get', 'list', 'watch', 'update'], [''], ['persistentvolumes']), events],
  },
  {
    // Reads pods live too (not only from the cache) before it lets a claim go.
    name: 'pvc-protection-controller',
    rules: [r(['get', 'list', 'watch', 'update'], [''], ['persistentvolumeclaims']), r(['list', 'watch', 'get'], [''], ['pods']), events],
  },
  {
    name: 'replicaset-controller',
    rules: [
      r(['get', 'list', 'watch', 'update'], ['apps', 'extensions'], ['replicasets']),
      r(['update'], ['apps', 'extensions'], ['replicasets/status']),
      r(['update'], ['apps', 'extensions'], ['replicasets/finalizers']),
      r(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      events,
    ],
  },
  {
    name: 'replication-controller',
    rules: [
      r(['get', 'list', 'watch', 'update'], [''], ['replicationcontrollers']),
      r(['update'], [''], ['replicationcontrollers/status']),
      r(['update'], [''], ['replicationcontrollers/finalizers']),
      r(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
      events,
    ],
  },
  {
    // Counts usage of any kind.
    name: 'resourcequota-controller',
    rules: [r(['list', 'watch'], ['*'], ['*']), r(['update'], [''], ['resourcequotas/status']), events],
  },
  {
    // Writes ConfigMap kube-root-ca.crt into every namespace.
    name: 'root-ca-cert-publisher',
    rules: [r(['create', 'update'], [''], ['configmaps']), events],
  },
  {
    // Creates each namespace's `default` ServiceAccount.
    name: 'service-account-controller',
    rules: [r(['create'], [''], ['serviceaccounts']), events],
  },
  {
    name: 'statefulset-controller',
    rules: [
      r(['list', 'watch'], [''], ['pods']),
      r(READ, ['apps'], ['statefulsets']),
      r(['update'], ['apps'], ['statefulsets/status']),
      r(['update'], ['apps'], ['statefulsets/finalizers']),
      r(['get', 'create', 'delete', 'update', 'patch'], [''], ['pods']),
      r(['get', 'create', 'delete', 'update', 'patch', 'list', 'watch'], ['apps'], ['controllerrevisions']),
      r(['get', 'create', 'list', 'watch'], [''], ['persistentvolumeclaims']),
      r(['update', 'delete'], [''], ['persistentvolumeclaims']),
      r(['update'], [''], ['pods/finalizers']),
      events,
    ],
  },
  {
    name: 'ttl-after-finished-controller',
    rules: [r(['get', 'list', 'watch', 'delete'], ['batch'], ['jobs']), events],
  },
  {
    name: 'validatingadmissionpolicy-status-controller',
    rules: [
      r(READ, ['admissionregistration.k8s.io'], ['validatingadmissionpolicies']),
      r(['get', 'patch', 'update'], ['admissionregistration.k8s.io'], ['validatingadmissionpolicies/status']),
      events,
    ],
  },
];

/** Not upstream: k3s's ServiceLB controller, which only writes Services' load-balancer status and its Events. */
export const SERVICELB_CONTROLLER_ROLE = 'system:k8ts:controller:servicelb';
export const SERVICELB_CONTROLLER_SERVICE_ACCOUNT = 'servicelb-controller';

export const CONTROLLER_SERVICE_ACCOUNTS: readonly string[] = [...CONTROLLERS.map((c) => c.name), SERVICELB_CONTROLLER_SERVICE_ACCOUNT];

export const CONTROLLER_CLUSTER_ROLES: readonly ClusterRole[] = [
  ...CONTROLLERS.map((c) => role(`${CONTROLLER_ROLE_PREFIX}${c.name}`, c.rules)),
  role(SERVICELB_CONTROLLER_ROLE, [r(['update'], [''], ['services/status']), events]),
];

export const CONTROLLER_CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = [
  ...CONTROLLERS.map((c) => binding(`${CONTROLLER_ROLE_PREFIX}${c.name}`, `${CONTROLLER_ROLE_PREFIX}${c.name}`, [serviceAccount(CONTROLLER_NAMESPACE, c.name)])),
  binding(SERVICELB_CONTROLLER_ROLE, SERVICELB_CONTROLLER_ROLE, [serviceAccount(CONTROLLER_NAMESPACE, SERVICELB_CONTROLLER_SERVICE_ACCOUNT)]),
];
