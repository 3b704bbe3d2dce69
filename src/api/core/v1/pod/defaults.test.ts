import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultImagePullPolicy, defaultPod, defaultPodTemplateSpec, defaultReplicationController } from './defaults.js';
import { minimalPod, minimalRC } from './testing/pods.js';
import type { PodTemplateSpec } from './types.js';

test('imagePullPolicy follows the image tag', () => {
  assert.equal(defaultImagePullPolicy('nginx'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultImagePullPolicy('registry.local:5000/team/app'), 'Always');
  assert.equal(defaultImagePullPolicy('nginx:1.27'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('registry.local:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('nginx@sha256:' + 'a'.repeat(64)), 'IfNotPresent');
  assert.equal(defaultImagePullPolicy('nginx:latest@sha256:' + 'a'.repeat(64)), 'Always');
  assert.equal(defaultImagePullPolicy(''), 'IfNotPresent');
});

test('pod spec defaults', () => {
  const pod = minimalPod();
  defaultPod(pod);
  const spec = pod.spec!;
  assert.equal(spec.restartPolicy, 'Always');
  assert.equal(spec.dnsPolicy, 'ClusterFirst');
  assert.equal(spec.schedulerName, 'default-scheduler');
  assert.equal(spec.terminationGracePeriodSeconds, 30);
  assert.deepEqual(spec.securityContext, {});
  assert.equal(spec.enableServiceLinks, true);
  const c = spec.containers[0]!;
  assert.equal(c.terminationMessagePath, '/dev/termination-log');
  assert.equal(c.terminationMessagePolicy, 'File');
  assert.equal(c.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(c.resources, {});
});

test('explicit values are kept', () => {
  const pod = minimalPod();
  Object.assign(pod.spec!, { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, enableServiceLinks: false });
  pod.spec!.containers[0]!.imagePullPolicy = 'Never';
  defaultPod(pod);
  assert.equal(pod.spec!.restartPolicy, 'Never');
  assert.equal(pod.spec!.terminationGracePeriodSeconds, 0);
  assert.equal(pod.spec!.enableServiceLinks, false);
  assert.equal(pod.spec!.containers[0]!.imagePullPolicy, 'Never');
});

test('limits are copied into missing requests, per resource, for pods only', () => {
  const pod = minimalPod();
  pod.spec!.containers[0]!.resources = { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } };
  pod.spec!.initContainers = [{ name: 'init', image: 'busybox', resources: { limits: { memory: '64Mi' } } }];
  defaultPod(pod);
  assert.deepEqual(pod.spec!.containers[0]!.resources!.requests, { cpu: '500m', memory: '1Gi' });
  assert.deepEqual(pod.spec!.initContainers[0]!.resources!.requests, { memory: '64Mi' });

  const tpl: PodTemplateSpec = { spec: { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1' } } }] } };
  defaultPodTemplateSpec(tpl);
  assert.equal(tpl.spec!.containers[0]!.resources!.requests, undefined);
  assert.equal(tpl.spec!.enableServiceLinks, undefined);
});

test('probe, port and handler defaults', () => {
  const pod = minimalPod();
  const c = pod.spec!.containers[0]!;
  c.ports = [{ containerPort: 80 }];
  c.livenessProbe = { httpGet: { port: 80 } };
  c.readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: 3 };
  c.startupProbe = { grpc: { port: 9000 } };
  c.lifecycle = { preStop: { httpGet: { port: 80, path: '/stop' } } };
  defaultPod(pod);
  assert.equal(c.ports[0]!.protocol, 'TCP');
  assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.equal(c.readinessProbe.periodSeconds, 3);
  assert.equal(c.startupProbe.grpc!.service, '');
  assert.deepEqual(c.lifecycle.preStop!.httpGet, { port: 80, path: '/stop', scheme: 'HTTP' });
});

test('volume defaults', () => {
  const pod = minimalPod();
  pod.spec!.volumes = [
    { name: 'scratch' },
    { name: 'cm', configMap: { name: 'c' } },
    { name: 's', secret: { secretName: 's' } },
    { name: 'd', downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } },
    { name: 'p', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } },
    { name: 'h', hostPath: { path: '/tmp' } },
    { name: 'keep', secret: { secretName: 's', defaultMode: 0o400 } },
  ];
  pod.spec!.containers[0]!.env = [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }];
  defaultPod(pod);
  const v = pod.spec!.volumes;
  assert.deepEqual(v[0], { name: 'scratch', emptyDir: {} });
  assert.equal(v[1]!.configMap!.defaultMode, 420);
  assert.equal(v[2]!.secret!.defaultMode, 420);
  assert.equal(v[3]!.downwardAPI!.defaultMode, 420);
  assert.equal(v[3]!.downwardAPI!.items![0]!.fieldRef!.apiVersion, 'v1');
  assert.equal(v[4]!.projected!.defaultMode, 420);
  assert.equal(v[4]!.projected!.sources![0]!.serviceAccountToken!.expirationSeconds, 3600);
  assert.equal(v[5]!.hostPath!.type, '');
  assert.equal(v[6]!.secret!.defaultMode, 0o400);
  assert.equal(pod.spec!.containers[0]!.env[0]!.valueFrom!.fieldRef!.apiVersion, 'v1');
});

test('hostNetwork pods get hostPort = containerPort', () => {
  const pod = minimalPod();
  pod.spec!.hostNetwork = true;
  pod.spec!.containers[0]!.ports = [{ containerPort: 8080 }];
  defaultPod(pod);
  assert.equal(pod.spec!.containers[0]!.ports[0]!.hostPort, 8080);
});

test('serviceAccount mirrors serviceAccountName', () => {
  const a = minimalPod();
  a.spec!.serviceAccount = 'legacy';
  defaultPod(a);
  assert.equal(a.spec!.serviceAccountName, 'legacy');
  const b = minimalPod();
  b.spec!.serviceAccountName = 'new';
  defaultPod(b);
  assert.equal(b.spec!.serviceAccount, 'new');
});

test('podIP and podIPs are kept in step', () => {
  const pod = minimalPod();
  pod.status = { podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }], hostIP: '192.168.1.2' };
  defaultPod(pod);
  assert.equal(pod.status.podIP, '10.244.0.5');
  assert.deepEqual(pod.status.hostIPs, [{ ip: '192.168.1.2' }]);
});

test('replication controller defaults come from the template', () => {
  const rc = minimalRC();
  delete rc.spec!.replicas;
  defaultReplicationController(rc);
  assert.equal(rc.spec!.replicas, 1);
  assert.deepEqual(rc.spec!.selector, { app: 'nginx' });
  assert.deepEqual(rc.metadata.labels, { app: 'nginx' });
  assert.equal(rc.spec!.template!.spec!.restartPolicy, 'Always');
  assert.equal(rc.spec!.template!.spec!.containers[0]!.imagePullPolicy, 'Always');

  const explicit = minimalRC();
  explicit.spec!.selector = { app: 'nginx', extra: 'x' };
  explicit.metadata.labels = { owner: 'me' };
  defaultReplicationController(explicit);
  assert.deepEqual(explicit.spec!.selector, { app: 'nginx', extra: 'x' });
  assert.deepEqual(explicit.metadata.labels, { owner: 'me' });
  assert.equal(explicit.spec!.replicas, 3);
});
