import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import '../../core/v1/pod/schema.js';
import '../../core/v1/persistentvolume-schema.js';
import { ref } from '../../schema/dsl.js';
import { findUnknownFields } from '../../schema/unknown-fields.js';
import { formatFieldError, formatFieldErrors, type FieldError } from '../../validation/field.js';
import { daemonSetKind, daemonSetTemplateGenerationAnnotation, deploymentKind, replicaSetKind, statefulSetKind, controllerRevisionKind } from './kinds.js';
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from './types.js';

const messages = (errs: FieldError[]) => errs.map(formatFieldError);

/** A stored object as the API server produces it: defaulted, prepared, given metadata. */
function created<T extends { metadata: { name?: string; namespace?: string; uid?: string } }>(kind: { default?(o: T): void; prepareForCreate?(o: T): void }, obj: T): T {
  obj.metadata.namespace ??= 'default';
  obj.metadata.uid ??= '11111111-2222-3333-4444-555555555555';
  kind.default?.(obj);
  kind.prepareForCreate?.(obj);
  return obj;
}

const nginxDeployment = (): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx-deployment', labels: { app: 'nginx' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'nginx' } },
    template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9', ports: [{ containerPort: 80 }] }] } },
  },
});

test('deployment defaults: rolling update at 25%/25%, history 10, deadline 600, one replica', () => {
  const d: Deployment = { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };
  deploymentKind.default!(d);
  assert.equal(d.spec!.replicas, 1);
  assert.deepEqual(d.spec!.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(d.spec!.revisionHistoryLimit, 10);
  assert.equal(d.spec!.progressDeadlineSeconds, 600);
  assert.equal(d.spec!.template!.spec!.restartPolicy, 'Always');
});

test('deployment defaults keep what the user chose and give Recreate no rollingUpdate', () => {
  const d = nginxDeployment();
  d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } };
  deploymentKind.default!(d);
  assert.deepEqual(d.spec!.strategy!.rollingUpdate, { maxSurge: 1, maxUnavailable: '25%' });
  const r = nginxDeployment();
  r.spec!.strategy = { type: 'Recreate' };
  deploymentKind.default!(r);
  assert.equal(r.spec!.strategy!.rollingUpdate, undefined);
  assert.equal(r.spec!.replicas, 3);
});

test('a valid deployment passes and its status starts empty', () => {
  const d = created(deploymentKind, nginxDeployment());
  assert.deepEqual(deploymentKind.validateCreate!(d), []);
  assert.deepEqual(d.status, {});
});

test('selector that does not match the template labels is reported as upstream does', () => {
  const d = nginxDeployment();
  d.spec!.template!.metadata!.labels = { app: 'other' };
  const errs = deploymentKind.validateCreate!(created(deploymentKind, d));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.field, 'spec.template.metadata.labels');
  assert.equal(errs[0]!.detail, '`selector` does not match template `labels`');
  assert.deepEqual(errs[0]!.badValue, { app: 'other' });
});

test('a missing selector is required and then matches nothing', () => {
  const d = nginxDeployment();
  delete d.spec!.selector;
  const msgs = messages(deploymentKind.validateCreate!(created(deploymentKind, d)));
  assert.deepEqual(msgs, ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: `selector` does not match template `labels`']);
});

test('an empty selector is invalid for a deployment', () => {
  const d = nginxDeployment();
  d.spec!.selector = {};
  const msgs = messages(deploymentKind.validateCreate!(created(deploymentKind, d)));
  assert.deepEqual(msgs, ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
});

test('rolling update bounds: not both zero, percentages at most 100%, well-formed', () => {
  const d = nginxDeployment();
  d.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } };
  assert.deepEqual(messages(deploymentKind.validateCreate!(created(deploymentKind, d))), [
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0',
  ]);
  const e = nginxDeployment();
  e.spec!.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'ten', maxUnavailable: '150%' } };
  assert.deepEqual(messages(deploymentKind.validateCreate!(created(deploymentKind, e))), [
    `spec.strategy.rollingUpdate.maxSurge: Invalid value: "ten": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  ]);
});

test('Recreate forbids rollingUpdate; unknown strategy types are not supported', () => {
  const d = nginxDeployment();
  d.spec!.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
  assert.deepEqual(messages(deploymentKind.validateCreate!(created(deploymentKind, d))), ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
  const u = nginxDeployment();
  u.spec!.strategy = { type: 'BlueGreen' };
  const errs = deploymentKind.validateCreate!(created(deploymentKind, u));
  assert.equal(errs.length, 1);
  assert.equal(errs[0]!.type, 'FieldValueNotSupported');
  assert.match(formatFieldError(errs[0]!), /supported values: "Recreate", "RollingUpdate"$/);
});

test('template restartPolicy must be Always and replicas non-negative', () => {
  const d = nginxDeployment();
  d.spec!.replicas = -1;
  d.spec!.template!.spec!.restartPolicy = 'Never';
  const msgs = messages(deploymentKind.validateCreate!(created(deploymentKind, d)));
  assert.ok(msgs.includes('spec.replicas: Invalid value: -1: must be greater than or equal to 0'), msgs.join('\n'));
  assert.ok(msgs.includes('spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'), msgs.join('\n'));
});

test('progressDeadlineSeconds must exceed minReadySeconds', () => {
  const d = nginxDeployment();
  d.spec!.minReadySeconds = 600;
  assert.deepEqual(messages(deploymentKind.validateCreate!(created(deploymentKind, d))), ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']);
});

test('deployment selector is immutable on update; other spec changes are fine', () => {
  const old = created(deploymentKind, nginxDeployment());
  old.metadata.resourceVersion = '5';
  const next = structuredClone(old);
  next.spec!.replicas = 5;
  assert.deepEqual(deploymentKind.validateUpdate!(next, old), []);
  next.spec!.selector = { matchLabels: { app: 'nginx', tier: 'web' } };
  next.spec!.template!.metadata!.labels = { app: 'nginx', tier: 'web' };
  const msgs = messages(deploymentKind.validateUpdate!(next, old));
  assert.deepEqual(msgs, ['spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"web"}}: field is immutable']);
});

test('deployment annotation changes bump the generation (they are copied onto ReplicaSets)', () => {
  const old = created(deploymentKind, nginxDeployment());
  old.metadata.generation = 2;
  const next = structuredClone(old);
  next.metadata.annotations = { note: 'x' };
  deploymentKind.prepareForUpdate!(next, old);
  assert.equal(next.metadata.generation, 3);
});

test('deployment status counters are checked against each other', () => {
  const old = created(deploymentKind, nginxDeployment());
  old.metadata.resourceVersion = '1';
  const next = structuredClone(old);
  next.status = { replicas: 1, readyReplicas: 2, availableReplicas: 3, collisionCount: 0 };
  old.status = { collisionCount: 1 };
  const msgs = messages(deploymentKind.validateStatusUpdate!(next, old));
  assert.deepEqual(msgs, [
    'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
    'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
    'status.collisionCount: Invalid value: 0: cannot be decremented',
  ]);
});

test('replica sets default one replica, reject an empty selector with the deployment wording, keep selector fixed', () => {
  const rs: ReplicaSet = { metadata: { name: 'rs' }, spec: { selector: {}, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } };
  created(replicaSetKind, rs);
  assert.equal(rs.spec!.replicas, 1);
  assert.deepEqual(rs.status, { replicas: 0 });
  assert.deepEqual(messages(replicaSetKind.validateCreate!(rs)), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  rs.spec!.selector = { matchLabels: { a: 'b' } };
  rs.metadata.resourceVersion = '2';
  const next = structuredClone(rs);
  next.spec!.selector = { matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] };
  assert.deepEqual(messages(replicaSetKind.validateUpdate!(next, rs)), ['spec.selector: Invalid value: {"matchExpressions":[{"key":"a","operator":"In","values":["b"]}]}: field is immutable']);
});

test('daemon set defaults: RollingUpdate 1/0, history 10, template generation annotation', () => {
  const ds: DaemonSet = {
    metadata: { name: 'fluentd' },
    spec: { selector: { matchLabels: { app: 'fluentd' } }, template: { metadata: { labels: { app: 'fluentd' } }, spec: { containers: [{ name: 'fluentd', image: 'fluentd:v2.5.2' }] } } },
  };
  created(daemonSetKind, ds);
  assert.deepEqual(ds.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec!.revisionHistoryLimit, 10);
  assert.equal(ds.metadata.annotations![daemonSetTemplateGenerationAnnotation], '1');
  assert.deepEqual(ds.status, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  assert.deepEqual(daemonSetKind.validateCreate!(ds), []);

  const sameTemplate = structuredClone(ds);
  sameTemplate.spec!.minReadySeconds = 5;
  daemonSetKind.prepareForUpdate!(sameTemplate, ds);
  assert.equal(sameTemplate.metadata.annotations![daemonSetTemplateGenerationAnnotation], '1');
  const newTemplate = structuredClone(ds);
  newTemplate.spec!.template!.spec!.containers[0]!.image = 'fluentd:v3';
  daemonSetKind.prepareForUpdate!(newTemplate, ds);
  assert.equal(newTemplate.metadata.annotations![daemonSetTemplateGenerationAnnotation], '2');
});

test('daemon set rolling update: exactly one of maxSurge and maxUnavailable non-zero', () => {
  const ds = created(daemonSetKind, {
    metadata: { name: 'x' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } },
  } as DaemonSet);
  assert.deepEqual(messages(daemonSetKind.validateCreate!(ds)), ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero']);
  ds.spec!.updateStrategy!.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 };
  assert.deepEqual(messages(daemonSetKind.validateCreate!(ds)), ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0']);
});

const webStatefulSet = (): StatefulSet => ({
  metadata: { name: 'web' },
  spec: {
    serviceName: 'nginx',
    replicas: 2,
    selector: { matchLabels: { app: 'nginx' } },
    template: {
      metadata: { labels: { app: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
  },
});

test('stateful set defaults and a claim-template mount that only the templates provide', () => {
  const sts = created(statefulSetKind, webStatefulSet());
  assert.equal(sts.spec!.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(sts.spec!.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(sts.spec!.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.equal(sts.spec!.revisionHistoryLimit, 10);
  assert.equal(sts.spec!.volumeClaimTemplates![0]!.spec!.volumeMode, 'Filesystem');
  assert.equal(sts.spec!.volumeClaimTemplates![0]!.status!.phase, 'Pending');
  assert.deepEqual(sts.status, { replicas: 0, availableReplicas: 0 });
  assert.deepEqual(statefulSetKind.validateCreate!(sts), []);
  // OnDelete written by the user gets no rollingUpdate block.
  const onDelete = webStatefulSet();
  onDelete.spec!.updateStrategy = { type: 'OnDelete' };
  statefulSetKind.default!(onDelete);
  assert.deepEqual(onDelete.spec!.updateStrategy, { type: 'OnDelete' });
});

test('stateful set updates may touch only the mutable fields', () => {
  const old = created(statefulSetKind, webStatefulSet());
  old.metadata.resourceVersion = '3';
  const scaled = structuredClone(old);
  scaled.spec!.replicas = 5;
  scaled.spec!.template!.spec!.containers[0]!.image = 'nginx:2';
  scaled.spec!.updateStrategy = { type: 'OnDelete' };
  assert.deepEqual(statefulSetKind.validateUpdate!(scaled, old), []);
  const resized = structuredClone(old);
  resized.spec!.volumeClaimTemplates![0]!.spec!['resources'] = { requests: { storage: '2Gi' } };
  assert.equal(
    formatFieldErrors(statefulSetKind.validateUpdate!(resized, old)),
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  );
});

test('stateful set names must be DNS labels and policies must be known', () => {
  const sts = webStatefulSet();
  sts.metadata.name = 'web.example';
  sts.spec!.podManagementPolicy = 'Sometimes';
  sts.spec!.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' };
  const msgs = messages(statefulSetKind.validateCreate!(created(statefulSetKind, sts)));
  assert.ok(msgs.some((m) => m.startsWith('metadata.name: Invalid value: "web.example": a lowercase RFC 1123 label')), msgs.join('\n'));
  assert.ok(msgs.includes("spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'"), msgs.join('\n'));
  assert.ok(msgs.includes('spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"'), msgs.join('\n'));
});

test('controller revisions need data, keep it fixed, and track no generation', () => {
  assert.equal(controllerRevisionKind.tracksGeneration, false);
  const cr = { metadata: { name: 'web-1', namespace: 'default' }, revision: 1 };
  assert.deepEqual(messages(controllerRevisionKind.validateCreate!(cr)), ['data: Required value: data is mandatory']);
  const old = { metadata: { name: 'web-1', namespace: 'default', resourceVersion: '1' }, revision: 1, data: { spec: { a: 1 } } };
  const next = { ...structuredClone(old), data: { spec: { a: 2 } } };
  assert.deepEqual(messages(controllerRevisionKind.validateUpdate!(next, old)), ['data: Invalid value: {"spec":{"a":2}}: field is immutable']);
});

// Manifests from the course material in /work/shared/seeds, parsed as kubectl would send them.
const seedManifests = [
  `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rs-example
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
      env: prod
  template:
    metadata:
      labels:
        app: nginx
        env: prod
    spec:
      containers:
        - name: nginx
          image: nginx:stable-alpine
          ports:
            - containerPort: 80`,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy-example
spec:
  replicas: 3
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      app: nginx
      env: prod
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: nginx
        env: prod
    spec:
      containers:
        - name: nginx
          image: nginx:stable-alpine`,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend-deployment
  labels:
    app: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      app: frontend
  template:
    metadata:
      name: frontend
      labels:
        app: frontend
    spec:
      containers:
        - image: nginx
          name: nginx`,
  `apiVersion: apps/v1
kind: DaemonSet
metadata:
  labels:
    app: fluentd
    name: fluentd
spec:
  selector:
    matchLabels:
      app: fluentd
  template:
    metadata:
      labels:
        app: fluentd
    spec:
      containers:
        - image: fluentd:v2.5.2
          name: fluentd`,
];

test('seed manifests carry no unknown fields, and are valid once defaulted', () => {
  const kinds = { ReplicaSet: replicaSetKind, Deployment: deploymentKind, DaemonSet: daemonSetKind } as const;
  for (const text of seedManifests) {
    const obj = parse(text);
    const kind = kinds[obj.kind as keyof typeof kinds];
    assert.deepEqual(findUnknownFields(obj, ref(kind.schema)), [], obj.kind);
    obj.metadata.name ??= 'fluentd';
    const stored = created(kind as never, obj);
    assert.deepEqual(kind.validateCreate!(stored as never), [], `${obj.kind} ${obj.metadata.name}`);
    assert.deepEqual(findUnknownFields(stored, ref(kind.schema)), [], `${obj.kind} after defaulting`);
  }
});

test('unknown fields in workload specs are found', () => {
  const d = nginxDeployment() as unknown as Record<string, Record<string, unknown>>;
  d['spec']!['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxSurgee: 2 } };
  d['spec']!['replica'] = 3;
  assert.deepEqual(findUnknownFields(d, ref(deploymentKind.schema)).sort(), ['spec.replica', 'spec.strategy.rollingUpdate.maxSurgee']);
  const sts = created(statefulSetKind, webStatefulSet()) as unknown as Record<string, Record<string, unknown>>;
  assert.deepEqual(findUnknownFields(sts, ref(statefulSetKind.schema)), []);
});
