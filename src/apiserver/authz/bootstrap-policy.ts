// The default roles and bindings kube-apiserver reconciles at start (upstream's
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy, as its testdata/cluster-roles.yaml and
// cluster-role-bindings.yaml list them), for the kinds and components k8ts has.
import type { ClusterRole, ClusterRoleBinding } from '../../api/rbac/v1/types.js';
import { aggregateTo, binding, EVENT_WRITE, group, r, READ, role, RW, urls, user, WRITE } from './policy-builders.js';

import { CONTROLLER_CLUSTER_ROLE_BINDINGS, CONTROLLER_CLUSTER_ROLES } from './controller-policy.js';

export { AUTOUPDATE_ANNOTATION, BOOTSTRAPPING_LABEL } from './policy-builders.js';

const tokenAndAccessReviewers = [r(['create'], ['authentication.k8s.io'], ['tokenreviews']), r(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])];

export const BOOTSTRAP_CLUSTER_ROLES: readonly ClusterRole[] = [
  role('cluster-admin', [r(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  role('admin', null, {}, 'admin'),
  role('edit', null, aggregateTo('admin'), 'edit'),
  role('view', null, aggregateTo('edit'), 'view'),
  role('system:aggregate-to-admin', [r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), r(RW, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles'])], aggregateTo('admin')),
  role(
    'system:aggregate-to-edit',
    [
      r(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      r(['impersonate'], [''], ['serviceaccounts']),
      r(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      r(['create'], [''], ['pods/eviction']),
      r(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      r(['create'], [''], ['serviceaccounts/token']),
      r(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      r(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      r(WRITE, ['batch'], ['cronjobs', 'jobs']),
      r(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      r(WRITE, ['policy'], ['poddisruptionbudgets']),
      r(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      r(RW, ['coordination.k8s.io'], ['leases']),
    ],
    aggregateTo('edit'),
  ),
  role(
    'system:aggregate-to-view',
    [
      r(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      r(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      r(READ, [''], ['namespaces']),
      r(READ, ['discovery.k8s.io'], ['endpointslices']),
      r(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      r(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      r(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      r(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      r(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      r(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
    aggregateTo('view'),
  ),
  role('system:auth-delegator', tokenAndAccessReviewers),
  role('system:basic-user', [r(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), r(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])]),
  role('system:certificates.k8s.io:certificatesigningrequests:nodeclient', [r(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
  role('system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [r(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
  role('system:certificates.k8s.io:kube-apiserver-client-approver', [r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client'])]),
  role('system:certificates.k8s.io:kube-apiserver-client-kubelet-approver', [r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kube-apiserver-client-kubelet'])]),
  role('system:certificates.k8s.io:kubelet-serving-approver', [r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/kubelet-serving'])]),
  role('system:certificates.k8s.io:legacy-unknown-approver', [r(['approve'], ['certificates.k8s.io'], ['signers'], ['kubernetes.io/legacy-unknown'])]),
  role('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
  role('system:kube-aggregator', [r(READ, [''], ['endpoints', 'services'])]),
  role('system:kube-controller-manager', [
    r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']),
    r(['create'], ['coordination.k8s.io'], ['leases']),
    r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
    r(['create'], [''], ['secrets', 'serviceaccounts']),
    r(['delete'], [''], ['secrets']),
    r(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
    r(['update'], [''], ['secrets', 'serviceaccounts']),
    ...tokenAndAccessReviewers,
    r(['list', 'watch'], ['*'], ['*']),
    r(['create'], [''], ['serviceaccounts/token']),
  ]),
  role('system:kube-dns', [r(['list', 'watch'], [''], ['endpoints', 'services'])]),
  role('system:kube-scheduler', [
    r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']),
    r(['create'], ['coordination.k8s.io'], ['leases']),
    r(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
    r(READ, [''], ['nodes']),
    r(['delete', 'get', 'list', 'watch'], [''], ['pods']),
    r(['create'], [''], ['bindings', 'pods/binding']),
    r(['patch', 'update'], [''], ['pods/status']),
    r(READ, [''], ['replicationcontrollers', 'services']),
    r(READ, ['apps', 'extensions'], ['replicasets']),
    r(READ, ['apps'], ['statefulsets']),
    r(READ, ['policy'], ['poddisruptionbudgets']),
    r(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
    ...tokenAndAccessReviewers,
    r(READ, ['storage.k8s.io'], ['csinodes']),
    r(READ, [''], ['namespaces']),
    r(READ, ['storage.k8s.io'], ['csidrivers']),
    r(READ, ['storage.k8s.io'], ['csistoragecapacities']),
  ]),
  role('system:kubelet-api-admin', [r(READ, [''], ['nodes']), r(['proxy'], [''], ['nodes']), r(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats'])]),
  role('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
  role('system:node', [
    r(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    r(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
    r(READ, [''], ['services']),
    r(['create', 'get', 'list', 'watch'], [''], ['nodes']),
    r(['patch', 'update'], [''], ['nodes/status']),
    r(['patch', 'update'], [''], ['nodes']),
    r(EVENT_WRITE, [''], ['events']),
    r(READ, [''], ['pods']),
    r(['create', 'delete'], [''], ['pods']),
    r(['patch', 'update'], [''], ['pods/status']),
    r(['create'], [''], ['pods/eviction']),
    r(READ, [''], ['configmaps', 'secrets']),
    r(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    r(['get'], [''], ['endpoints']),
    r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
    r(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    r(['get'], ['storage.k8s.io'], ['volumeattachments']),
    r(['create'], [''], ['serviceaccounts/token']),
    r(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
    r(READ, ['storage.k8s.io'], ['csidrivers']),
    r(['create', 'delete', 'get', 'patch', 'update'], ['storage.k8s.io'], ['csinodes']),
    r(READ, ['node.k8s.io'], ['runtimeclasses']),
  ]),
  // k8ts's join endpoint (cluster credentials for a joining node), what bootstrap-token holders may call.
  role('system:k8ts:node-credentials', [urls(['post'], ['/v1-k8ts/node-credentials'])]),
  // A joining server's fetch of the cluster's secrets: the server token's holders only.
  role('system:k8ts:server-bootstrap', [urls(['post'], ['/v1-k8ts/server-bootstrap'])]),
  // The cluster DNS (k3s's CoreDNS role, plus publishing its own Service and EndpointSlices).
  role('system:k8ts:dns', [
    r(['list', 'watch'], [''], ['services', 'endpoints', 'namespaces']),
    r(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    r(['get'], [''], ['nodes']),
    r(['get', 'patch'], [''], ['services'], ['kube-dns']),
    r(['create', 'get', 'patch', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
  ]),
  // The node's network controllers (k3s's system:k3s-controller): the NetworkPolicy enforcer
  // reads policies, pods and namespaces; the ingress controller reads its routes' objects and the
  // TLS Secrets they name and writes Ingress and Gateway API status; the local-path provisioner
  // reads claims and classes, creates and deletes its volumes. (The default classes are add-ons
  // of the manifests directory, which the server applies.)
  role('system:k8ts-controller', [
    r(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']),
    r(READ, [''], ['persistentvolumeclaims']),
    r(READ, ['storage.k8s.io'], ['storageclasses']),
    r(READ, [''], ['namespaces', 'nodes', 'pods', 'secrets', 'services']),
    r(READ, ['discovery.k8s.io'], ['endpointslices']),
    r(READ, ['networking.k8s.io'], ['ingressclasses', 'ingresses', 'networkpolicies']),
    r(['patch', 'update'], ['networking.k8s.io'], ['ingresses/status']),
    r(READ, ['gateway.networking.k8s.io'], ['gatewayclasses', 'gateways', 'httproutes', 'grpcroutes', 'referencegrants']),
    r(['patch', 'update'], ['gateway.networking.k8s.io'], ['gatewayclasses/status', 'gateways/status', 'httproutes/status', 'grpcroutes/status']),
    r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']),
  ]),
  // An agent of simulated nodes (one identity for its many nodes): what a kubelet writes, without
  // the Secrets, ConfigMaps and tokens a real node's pods mount (sim pods mount nothing).
  role('system:k8ts:sim-agent', [
    r(['create', 'get', 'list', 'watch', 'patch', 'update'], [''], ['nodes']),
    r(['patch', 'update'], [''], ['nodes/status']),
    r(READ, [''], ['pods', 'services']),
    r(['create', 'delete'], [''], ['pods']),
    r(['patch', 'update'], [''], ['pods/status']),
    r(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']),
    // The agent's load balancer follows the servers in the `kubernetes` Endpoints.
    r(['list', 'watch'], [''], ['endpoints']),
  ]),
  // The built-in metrics server (upstream's system:metrics-server, plus nodes/stats: it reads the
  // kubelet's /stats/summary) and the request-header configuration it authenticates the API server by.
  role('system:k8ts:metrics-server', [
    r(READ, [''], ['nodes', 'pods']),
    r(['get'], [''], ['nodes/metrics', 'nodes/stats']),
    r(['get'], [''], ['configmaps'], ['extension-apiserver-authentication']),
  ]),
  // Upstream's manifest's reader of the metrics API, aggregated into view, edit and admin.
  role('system:aggregated-metrics-reader', [r(READ, ['metrics.k8s.io'], ['nodes', 'pods'])], { ...aggregateTo('view'), ...aggregateTo('edit'), ...aggregateTo('admin') }),
  // What k8ts's scheduler reads beyond upstream's role: PriorityClasses, for preemption.
  role('system:k8ts:kube-scheduler', [r(READ, ['scheduling.k8s.io'], ['priorityclasses'])]),
  role('system:node-bootstrapper', [r(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
  role('system:node-problem-detector', [r(['get'], [''], ['nodes']), r(['patch'], [''], ['nodes/status']), r(EVENT_WRITE, ['', 'events.k8s.io'], ['events'])]),
  role('system:node-proxier', [r(['list', 'watch'], [''], ['endpoints', 'services']), r(READ, [''], ['nodes']), r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']), r(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices'])]),
  role('system:persistent-volume-provisioner', [
    r(['create', 'delete', 'get', 'list', 'watch'], [''], ['persistentvolumes']),
    r(['get', 'list', 'update', 'watch'], [''], ['persistentvolumeclaims']),
    r(READ, ['storage.k8s.io'], ['storageclasses']),
    r(['watch'], [''], ['events']),
    r(EVENT_WRITE, ['', 'events.k8s.io'], ['events']),
  ]),
  role('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
  role('system:service-account-issuer-discovery', [urls(['get'], ['/.well-known/openid-configuration', '/openid/v1/jwks'])]),
  ...CONTROLLER_CLUSTER_ROLES,
  role('system:volume-scheduler', [r(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumes']), r(READ, ['storage.k8s.io'], ['storageclasses']), r(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims'])]),
];

/** system:node is bound to nobody: node rights come from the Node authorizer, as upstream. */
export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = [
  binding('cluster-admin', 'cluster-admin', [group('system:masters')]),
  binding('system:basic-user', 'system:basic-user', [group('system:authenticated')]),
  binding('system:discovery', 'system:discovery', [group('system:authenticated')]),
  binding('system:kube-controller-manager', 'system:kube-controller-manager', [user('system:kube-controller-manager')]),
  binding('system:kube-dns', 'system:kube-dns', [{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }]),
  binding('system:kube-scheduler', 'system:kube-scheduler', [user('system:kube-scheduler')]),
  binding('system:monitoring', 'system:monitoring', [group('system:monitoring')]),
  binding('system:node', 'system:node', []),
  binding('system:node-proxier', 'system:node-proxier', [user('system:kube-proxy')]),
  binding('system:k8ts:kube-scheduler', 'system:k8ts:kube-scheduler', [user('system:kube-scheduler')]),
  binding('system:k8ts:node-credentials', 'system:k8ts:node-credentials', [group('system:bootstrappers')]),
  binding('system:k8ts:server-bootstrap', 'system:k8ts:server-bootstrap', [group('k8ts:servers')]),
  // kubeadm's TLS bootstrap bindings: join-token holders may ask for a node's client certificate
  // (and have it approved), nodes may renew their own.
  binding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group('system:bootstrappers')]),
  binding('kubeadm:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', [group('system:bootstrappers')]),
  binding('kubeadm:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [group('system:nodes')]),
  binding('system:k8ts:dns', 'system:k8ts:dns', [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }]),
  binding('system:k8ts-controller', 'system:k8ts-controller', [user('system:k8ts-controller')]),
  binding('system:k8ts:sim-agent', 'system:k8ts:sim-agent', [user('system:k8ts:sim-agent')]),
  binding('system:k8ts:metrics-server', 'system:k8ts:metrics-server', [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' }]),
  // The API server's client identity towards kubelets (k3s's kube-apiserver-kubelet-admin).
  binding('kube-apiserver-kubelet-admin', 'system:kubelet-api-admin', [user('kube-apiserver-kubelet-client')]),
  binding('system:public-info-viewer', 'system:public-info-viewer', [group('system:authenticated'), group('system:unauthenticated')]),
  binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group('system:serviceaccounts')]),
  binding('system:volume-scheduler', 'system:volume-scheduler', [user('system:kube-scheduler')]),
  ...CONTROLLER_CLUSTER_ROLE_BINDINGS,
];

/**
 * Bootstrap objects earlier k8ts versions reconciled and this one no longer has; the reconciler
 * only creates and widens, so without this list an upgraded cluster would keep them.
 * system:k8ts:kube-controller-manager bound the controller manager to cluster-admin until its
 * controllers had their own service accounts and system:controller:* roles.
 */
export const REMOVED_BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly string[] = ['system:k8ts:kube-controller-manager'];
