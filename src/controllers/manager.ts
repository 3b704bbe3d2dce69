// The controller manager: every controller, each with its own client connection to the API
// (and, with useServiceAccountCredentials, its own identity).
import { readFileSync } from 'node:fs';
import type { ClientConfig } from '../client/kubeconfig.js';
import { SharedInformerFactory } from '../client/informer.js';
import { RestClient } from '../client/rest.js';
import type { Controller } from './common/controller.js';
import { CronJobController } from './cronjob/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { DisruptionController } from './disruption/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { EndpointSliceController } from './endpointslice/controller.js';
import { GarbageCollector } from './garbagecollector/controller.js';
import { JobController } from './job/controller.js';
import { TtlAfterFinishedController } from './job/ttl-controller.js';
import { NamespaceController } from './namespace/controller.js';
import { NodeIpamController, type NodeIpamOptions } from './nodeipam/controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/controller.js';
import { PodGC, type PodGCOptions } from './podgc/controller.js';
import { ClusterRoleAggregationController } from './clusterroleaggregation/controller.js';
import { ReplicaController } from './replicaset/controller.js';
import { ResourceQuotaController } from './resourcequota/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { ServiceLBController } from './servicelb/controller.js';
import { legacyTokenGenerator } from './serviceaccount/legacy-token.js';
import { TokensController } from './serviceaccount/tokens-controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import { EphemeralVolumeController } from './volume/ephemeral/controller.js';
import { PersistentVolumeController } from './volume/persistentvolume/controller.js';
import { PvcProtectionController } from './volume/pvcprotection/controller.js';
import { PvProtectionController } from './volume/pvprotection/controller.js';
import { ValidatingAdmissionPolicyStatusController } from './validatingadmissionpolicystatus/controller.js';
import { replicationControllerKind } from './replicaset/kinds.js';
import { signingKeyFromPem } from '../util/jws/signing-key.js';
import type { KeyPair } from '../util/key-pair.js';
import { CsrApprovingController } from './certificates/approver.js';
import { CsrSigningController } from './certificates/signer.js';
import { ServiceAccountClientBuilder } from './common/service-account-clients.js';
import type { WorkqueueMetricsProvider } from '../client/workqueue-metrics.js';
import { HorizontalPodAutoscalerController, type HpaControllerOptions } from './podautoscaler/controller.js';

export interface ControllerManager {
  stop(): void;
}

export interface ControllerManagerOptions {
  /** The cluster CA (PEM) published to every namespace as ConfigMap kube-root-ca.crt. */
  rootCaPem?: string;
  /** Terminated pods kept before the pod GC deletes the oldest (default 12500; 0 disables). */
  terminatedPodGcThreshold?: number;
  /** Grace and monitor periods of the node lifecycle controller (tests shorten them). */
  nodeLifecycle?: Omit<NodeLifecycleOptions, 'log'>;
  /** The pod GC's period and orphan quarantine (upstream's fixed 20 s and 40 s; tests shorten them). */
  podGc?: Pick<PodGCOptions, 'periodMs' | 'quarantineMs'>;
  /** Cluster CIDR(s) the node IPAM controller cuts into per-node pod CIDRs (default 10.244.0.0/16; throws when malformed). */
  clusterCidr?: NodeIpamOptions['clusterCidr'];
  /** Prefix length of each node's IPv4 pod CIDR (default 24). */
  nodeCidrMaskSize?: NodeIpamOptions['nodeCidrMaskSize'];
  /**
   * PEM private key the token controller signs service-account token Secrets with
   * (--service-account-private-key-file); the API server must verify with its public half.
   * Without it that controller does not run, as upstream.
   */
  serviceAccountPrivateKeyFile?: string;
  /** --pvclaimbinder-sync-period: how often the PV binder syncs every claim and volume again (default 15 s). */
  pvBinderSyncPeriodMs?: number;
  /** Run without ServiceLB, k3s's load balancer (`--disable=servicelb`): LoadBalancer Services stay Pending for another. */
  disableServiceLB?: boolean;
  /**
   * kube-controller-manager's --use-service-account-credentials: every controller writes with a
   * bound token of its own ServiceAccount in kube-system (and so under RBAC holds only its
   * system:controller:* role) instead of with this client's credentials. Default false, as upstream's flag.
   */
  useServiceAccountCredentials?: boolean;
  /**
   * The CA the csrsigning controller signs with (--cluster-signing-cert-file / -key-file) and
   * its --cluster-signing-duration (default one year). Without it that controller does not run.
   */
  csrSigning?: { ca: KeyPair; clusterSigningDurationMs?: number };
  /** Where the controllers' work queues report (workqueue_* by queue name); made once by the caller so restarts reuse its series. */
  workqueueMetrics?: WorkqueueMetricsProvider;
  /** The HPA's --horizontal-pod-autoscaler-* flags (sync period, downscale stabilization, tolerance, CPU initialization period, readiness delay). */
  horizontalPodAutoscaler?: Omit<HpaControllerOptions, 'log' | 'clock' | 'metrics' | 'workers'>;
}

/**
 * The ServiceAccount each controller writes as with useServiceAccountCredentials, upstream's names
 * (node IPAM shares node-controller's, as upstream's startNodeIpamController does). Each is bound
 * to ClusterRole system:controller:<name> by the API server's bootstrap policy.
 */
export const CONTROLLER_SERVICE_ACCOUNTS = {
  namespace: 'namespace-controller',
  replicaSet: 'replicaset-controller',
  replicationController: 'replication-controller',
  deployment: 'deployment-controller',
  garbageCollector: 'generic-garbage-collector',
  serviceAccount: 'service-account-controller',
  rootCaPublisher: 'root-ca-cert-publisher',
  endpoints: 'endpoint-controller',
  endpointSlice: 'endpointslice-controller',
  podGc: 'pod-garbage-collector',
  disruption: 'disruption-controller',
  daemonSet: 'daemon-set-controller',
  statefulSet: 'statefulset-controller',
  job: 'job-controller',
  ttlAfterFinished: 'ttl-after-finished-controller',
  cronJob: 'cronjob-controller',
  node: 'node-controller',
  clusterRoleAggregation: 'clusterrole-aggregation-controller',
  // csrapproving and csrsigning share it, as upstream's.
  certificate: 'certificate-controller',
  resourceQuota: 'resourcequota-controller',
  validatingAdmissionPolicyStatus: 'validatingadmissionpolicy-status-controller',
  persistentVolumeBinder: 'persistent-volume-binder',
  pvcProtection: 'pvc-protection-controller',
  pvProtection: 'pv-protection-controller',
  ephemeralVolume: 'ephemeral-volume-controller',
  horizontalPodAutoscaler: 'horizontal-pod-autoscaler',
  // Not upstream's (k3s's ServiceLB), bound to system:k8ts:controller:servicelb.
  serviceLB: 'servicelb-controller',
} as const;

export function startControllerManager(config: ClientConfig, log: (line: string) => void = () => undefined, options: ControllerManagerOptions = {}): ControllerManager {
  const client = new RestClient(config, 'k8ts-controller-manager');
  // One informer per resource, shared by every controller that reads it; they list and watch
  // under the controller manager's own identity (its role may list and watch everything).
  const informers = new SharedInformerFactory(client);
  const builder = options.useServiceAccountCredentials ? new ServiceAccountClientBuilder(client, config, { log }) : undefined;
  const saClients: RestClient[] = [];
  const clientFor = (name: string): { client: RestClient; ready: Promise<void> } => {
    if (!builder) return { client, ready: Promise.resolve() };
    const cred = builder.credential(name);
    const c = new RestClient(cred.config, `k8ts-controller-manager/${name}`);
    saClients.push(c);
    return { client: c, ready: cred.ready };
  };
  const SA = CONTROLLER_SERVICE_ACCOUNTS;
  const controllers: { controller: Controller; ready: Promise<unknown> }[] = [];
  // Built at once, so that their informers exist when the factory starts; each runs once its own
  // credentials are in hand, none waiting for another's.
  const add = (name: string, make: (c: RestClient) => Controller) => {
    const { client: c, ready } = clientFor(name);
    controllers.push({ controller: make(c), ready });
  };
  add(SA.namespace, (c) => new NamespaceController(c, informers, { log }));
  add(SA.replicaSet, (c) => new ReplicaController(c, informers, { log }));
  add(SA.replicationController, (c) => new ReplicaController(c, informers, { kind: replicationControllerKind, log }));
  add(SA.deployment, (c) => new DeploymentController(c, informers, { log }));
  add(SA.garbageCollector, (c) => new GarbageCollector(c, informers, { log }));
  {
    // Upstream's root-ca-cert-publisher is a controller of its own; here it shares the
    // ServiceAccount controller's work queue but writes with its own credentials.
    const sa = clientFor(SA.serviceAccount);
    const rootCa = options.rootCaPem ? clientFor(SA.rootCaPublisher) : undefined;
    controllers.push({
      controller: new ServiceAccountController(sa.client, informers, { rootCaPem: options.rootCaPem, rootCaClient: rootCa?.client, log }),
      ready: Promise.all([sa.ready, rootCa?.ready]),
    });
  }
  add(SA.endpoints, (c) => new EndpointsController(c, informers, { log }));
  add(SA.endpointSlice, (c) => new EndpointSliceController(c, informers, { log }));
  add(SA.podGc, (c) => new PodGC(c, informers, { ...options.podGc, terminatedPodThreshold: options.terminatedPodGcThreshold, log }));
  add(SA.disruption, (c) => new DisruptionController(c, informers, { log }));
  add(SA.daemonSet, (c) => new DaemonSetController(c, informers, { log }));
  add(SA.statefulSet, (c) => new StatefulSetController(c, informers, { log }));
  add(SA.job, (c) => new JobController(c, informers, { log }));
  add(SA.ttlAfterFinished, (c) => new TtlAfterFinishedController(c, informers, { log }));
  add(SA.cronJob, (c) => new CronJobController(c, informers, { log }));
  add(SA.node, (c) => new NodeLifecycleController(c, informers, { ...options.nodeLifecycle, log }));
  add(SA.node, (c) => new NodeIpamController(c, informers, { clusterCidr: options.clusterCidr, nodeCidrMaskSize: options.nodeCidrMaskSize, log }));
  add(SA.clusterRoleAggregation, (c) => new ClusterRoleAggregationController(c, informers, { log }));
  add(SA.resourceQuota, (c) => new ResourceQuotaController(c, informers, { log }));
  add(SA.certificate, (c) => new CsrApprovingController(c, informers, { log }));
  const signing = options.csrSigning;
  if (signing) add(SA.certificate, (c) => new CsrSigningController(c, informers, { ca: signing.ca, clusterSigningDurationMs: signing.clusterSigningDurationMs, log }));
  add(SA.validatingAdmissionPolicyStatus, (c) => new ValidatingAdmissionPolicyStatusController(c, informers, { log }));
  add(SA.persistentVolumeBinder, (c) => new PersistentVolumeController(c, informers, { resyncMs: options.pvBinderSyncPeriodMs, log }));
  add(SA.pvcProtection, (c) => new PvcProtectionController(c, informers, { log }));
  add(SA.pvProtection, (c) => new PvProtectionController(c, informers, { log }));
  add(SA.ephemeralVolume, (c) => new EphemeralVolumeController(c, informers, { log }));
  add(SA.horizontalPodAutoscaler, (c) => new HorizontalPodAutoscalerController(c, informers, { ...options.horizontalPodAutoscaler, log }));
  if (!options.disableServiceLB) add(SA.serviceLB, (c) => new ServiceLBController(c, informers, { log }));
  if (options.serviceAccountPrivateKeyFile) {
    // As upstream, the token controller runs with the controller manager's own client: it is
    // what writes the tokens the others' accounts would otherwise need.
    const key = signingKeyFromPem(readFileSync(options.serviceAccountPrivateKeyFile, 'utf8'));
    controllers.push({ controller: new TokensController(client, informers, { generateToken: legacyTokenGenerator(key), rootCaPem: options.rootCaPem, log }), ready: Promise.resolve() });
  }
  if (options.workqueueMetrics) for (const { controller } of controllers) controller.instrument(options.workqueueMetrics);
  informers.start();
  let stopped = false;
  for (const { controller, ready } of controllers) {
    void ready.then(() => {
      if (!stopped) void controller.run();
    });
  }
  return {
    stop() {
      stopped = true;
      builder?.stop();
      for (const { controller } of controllers) controller.stop();
      informers.stop();
      for (const c of saClients) c.close();
      client.close();
    },
  };
}
