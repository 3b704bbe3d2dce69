// The controller manager: every controller, each with its own client connection to the API.
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
import { PodGC } from './podgc/controller.js';
import { ClusterRoleAggregationController } from './clusterroleaggregation/controller.js';
import { ReplicaController } from './replicaset/controller.js';
import { ResourceQuotaController } from './resourcequota/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { ServiceLBController } from './servicelb/controller.js';
import { legacyTokenGenerator } from './serviceaccount/legacy-token.js';
import { TokensController } from './serviceaccount/tokens-controller.js';
import { StatefulSetController } from './statefulset/controller.js';
import { ValidatingAdmissionPolicyStatusController } from './validatingadmissionpolicystatus/controller.js';
import { replicationControllerKind } from './replicaset/kinds.js';
import { signingKeyFromPem } from '../util/jws/signing-key.js';

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
  /** Run without ServiceLB, k3s's load balancer (`--disable=servicelb`): LoadBalancer Services stay Pending for another. */
  disableServiceLB?: boolean;
}

export function startControllerManager(config: ClientConfig, log: (line: string) => void = () => undefined, options: ControllerManagerOptions = {}): ControllerManager {
  const client = new RestClient(config, 'k8ts-controller-manager');
  // One informer per resource, shared by every controller that reads it.
  const informers = new SharedInformerFactory(client);
  const controllers: Controller[] = [
    new NamespaceController(client, informers, { log }),
    new ReplicaController(client, informers, { log }),
    new ReplicaController(client, informers, { kind: replicationControllerKind, log }),
    new DeploymentController(client, informers, { log }),
    new GarbageCollector(client, informers, { log }),
    new ServiceAccountController(client, informers, { rootCaPem: options.rootCaPem, log }),
    new EndpointsController(client, informers, { log }),
    new EndpointSliceController(client, informers, { log }),
    new PodGC(client, informers, { terminatedPodThreshold: options.terminatedPodGcThreshold, log }),
    new DisruptionController(client, informers, { log }),
    new DaemonSetController(client, informers, { log }),
    new StatefulSetController(client, informers, { log }),
    new JobController(client, informers, { log }),
    new TtlAfterFinishedController(client, informers, { log }),
    new CronJobController(client, informers, { log }),
    new NodeLifecycleController(client, informers, { ...options.nodeLifecycle, log }),
    new NodeIpamController(client, informers, { clusterCidr: options.clusterCidr, nodeCidrMaskSize: options.nodeCidrMaskSize, log }),
    new ClusterRoleAggregationController(client, informers, { log }),
    new ResourceQuotaController(client, informers, { log }),
    new ValidatingAdmissionPolicyStatusController(client, informers, { log }),
  ];
  if (!options.disableServiceLB) controllers.push(new ServiceLBController(client, informers, { log }));
  if (options.serviceAccountPrivateKeyFile) {
    const key = signingKeyFromPem(readFileSync(options.serviceAccountPrivateKeyFile, 'utf8'));
    controllers.push(new TokensController(client, informers, { generateToken: legacyTokenGenerator(key), rootCaPem: options.rootCaPem, log }));
  }
  informers.start();
  for (const c of controllers) void c.run();
  return {
    stop() {
      for (const c of controllers) c.stop();
      informers.stop();
      client.close();
    },
  };
}
