// An operator as a user of the k8ts client library would write one (issue 16, acceptance 4):
// a WebApp custom resource (example.k8ts.io/v1) reconciled into a Deployment it owns, and the
// Deployment's progress reported back through the WebApp's status subresource. It uses only
// what the library exports for this: shared informers with the owner index, a work queue with
// workers, and the REST client; nothing of the controller-manager's own scaffolding.
import type { KubeObject } from '../../api/meta/types.js';
import { isAlreadyExists } from '../../client/errors.js';
import { OWNER_INDEX, SharedInformerFactory, type Informer } from '../../client/informer.js';
import { gvr, keyOf, R, resourcePath, splitKey } from '../../client/resources.js';
import type { ApiClient } from '../../client/rest.js';
import { runWorkers, WorkQueue } from '../../client/workqueue.js';

export const WEBAPPS = gvr('example.k8ts.io', 'v1', 'webapps');

export const WEBAPP_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: webapps.example.k8ts.io
spec:
  group: example.k8ts.io
  scope: Namespaced
  names: {plural: webapps, singular: webapp, kind: WebApp, shortNames: [wa]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - {name: Image, type: string, jsonPath: .spec.image}
    - {name: Desired, type: integer, jsonPath: .spec.replicas}
    - {name: Ready, type: integer, jsonPath: .status.readyReplicas}
    - {name: Available, type: string, jsonPath: '.status.conditions[?(@.type=="Available")].status'}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [image]
            properties:
              image: {type: string, minLength: 1}
              replicas: {type: integer, minimum: 0, default: 1}
          status:
            type: object
            properties:
              replicas: {type: integer}
              readyReplicas: {type: integer}
              selector: {type: string}
              observedGeneration: {type: integer}
              conditions:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [type]
                items:
                  type: object
                  required: [type, status]
                  properties:
                    type: {type: string}
                    status: {type: string}
                    reason: {type: string}
                    message: {type: string}
                    lastTransitionTime: {type: string, format: date-time}
`;

interface WebApp extends KubeObject {
  spec: { image: string; replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; selector?: string; observedGeneration?: number; conditions?: Condition[] };
}

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface Deployment extends KubeObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: unknown };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

const APP_LABEL = 'example.k8ts.io/webapp';

function desiredDeployment(app: WebApp): Deployment {
  const name = app.metadata.name!;
  const labels = { [APP_LABEL]: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: app.metadata.namespace,
      labels,
      ownerReferences: [{ apiVersion: app.apiVersion!, kind: app.kind!, name, uid: app.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas: app.spec.replicas ?? 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: app.spec.image }] } },
    },
  };
}

function availableCondition(app: WebApp, deployment: Deployment | undefined, now: string): Condition {
  const want = app.spec.replicas ?? 1;
  const available = deployment?.status?.availableReplicas ?? 0;
  const status = available >= want ? 'True' : 'False';
  const old = app.status?.conditions?.find((c) => c.type === 'Available');
  return {
    type: 'Available',
    status,
    reason: status === 'True' ? 'MinimumReplicasAvailable' : 'ReplicasUnavailable',
    message: `${available} of ${want} replicas available`,
    lastTransitionTime: old?.status === status ? old.lastTransitionTime : now,
  };
}

export class WebAppOperator {
  private readonly factory: SharedInformerFactory;
  private readonly apps: Informer<WebApp>;
  private readonly deployments: Informer<Deployment>;
  private readonly queue = new WorkQueue({ baseDelayMs: 20, maxDelayMs: 2_000 });
  private running?: Promise<void>;
  /** Sync failures, for the test to show when it fails. */
  readonly errors: string[] = [];

  constructor(private readonly client: ApiClient) {
    this.factory = new SharedInformerFactory(client);
    this.apps = this.factory.informerFor<WebApp>(WEBAPPS);
    this.deployments = this.factory.informerFor<Deployment>(R.deployments);
    this.deployments.addIndex(OWNER_INDEX);
    this.apps.addHandlers({ add: (a) => this.queue.add(keyOf(a)), update: (_o, a) => this.queue.add(keyOf(a)), delete: (a) => this.queue.add(keyOf(a)) });
    const enqueueOwner = (d: Deployment): void => {
      const owner = d.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'WebApp');
      if (owner) this.queue.add(`${d.metadata.namespace}/${owner.name}`);
    };
    this.deployments.addHandlers({ add: enqueueOwner, update: (_o, d) => enqueueOwner(d), delete: enqueueOwner });
  }

  async start(): Promise<void> {
    this.factory.start();
    await this.factory.waitForSync();
    this.running = runWorkers(this.queue, 2, (key) => this.sync(key), (key, err) => this.errors.push(`${key}: ${(err as Error).message}`));
  }

  async stop(): Promise<void> {
    this.queue.shutdown();
    this.factory.stop();
    await this.running;
  }

  /** Level-based: whatever happened, make the Deployment match the WebApp and report it. */
  private async sync(key: string): Promise<void> {
    const app = this.apps.get(key);
    // A deleted WebApp's Deployment goes with it through its owner reference (the garbage collector).
    if (!app || app.metadata.deletionTimestamp) return;
    const { namespace, name } = splitKey(key);
    const owned = this.deployments.byIndex(OWNER_INDEX, app.metadata.uid!).find((d) => d.metadata.name === name);
    const want = desiredDeployment(app);
    let deployment = owned;
    if (!deployment) {
      try {
        deployment = await this.client.create<Deployment>(resourcePath(R.deployments, namespace), want);
      } catch (err) {
        // Our informer hasn't seen the Deployment yet: its add event brings us back.
        if (isAlreadyExists(err)) return;
        throw err;
      }
    } else if (deployment.spec.replicas !== want.spec.replicas || JSON.stringify(deployment.spec.template) !== JSON.stringify(want.spec.template)) {
      deployment = await this.client.patch<Deployment>(resourcePath(R.deployments, namespace, name), { spec: { replicas: want.spec.replicas, template: want.spec.template } });
    }
    const status: WebApp['status'] = {
      replicas: deployment.status?.replicas ?? 0,
      readyReplicas: deployment.status?.readyReplicas ?? 0,
      selector: `${APP_LABEL}=${name}`,
      observedGeneration: app.metadata.generation,
      conditions: [availableCondition(app, deployment, new Date().toISOString().replace(/\.\d+Z$/, 'Z'))],
    };
    if (JSON.stringify(status) === JSON.stringify(app.status)) return;
    await this.client.update(resourcePath(WEBAPPS, namespace, name, 'status'), { ...app, status });
  }
}
