// Bodies are built field by field with protobufjs' Writer, numbered as upstream's generated.proto
// numbers them and written the way Go's encoder writes them (plain value fields always present,
// zero or not), then decoded and compared with the JSON a JSON client would have sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import '../../api/scheme/all.js';
import { allKinds } from '../../api/scheme/all.js';
import { define, lookupDefinition, obj, resolve, str, type Schema } from '../../api/schema/dsl.js';
import { allProtoTags, lookupProtoTags } from '../../api/schema/protobuf-tags.js';
import { ApiError } from '../errors.js';
import { decodeProtobufObject } from './protobuf.js';

// ---- a small wire-building vocabulary ---------------------------------------------------
type F = (w: protobuf.Writer) => void;
const m = (...fields: F[]): Uint8Array => {
  const w = protobuf.Writer.create();
  for (const f of fields) f(w);
  return w.finish();
};
const s = (n: number, v: string): F => (w) => void w.uint32((n << 3) | 2).string(v);
const bytes = (n: number, v: Uint8Array): F => (w) => void w.uint32((n << 3) | 2).bytes(v);
const i64 = (n: number, v: number): F => (w) => void w.uint32(n << 3).int64(v);
const i32 = (n: number, v: number): F => (w) => void w.uint32(n << 3).int32(v);
const bool = (n: number, v: boolean): F => (w) => void w.uint32(n << 3).bool(v);
const msg = (n: number, ...fields: F[]): F => bytes(n, m(...fields));
const entry = (n: number, k: string, v: string): F => msg(n, s(1, k), s(2, v));
const time = (n: number, seconds: number, nanos = 0): F => msg(n, i64(1, seconds), i32(2, nanos));
const zeroTime = (n: number): F => msg(n);
// Go writes all three IntOrString fields.
const intOrInt = (n: number, v: number): F => msg(n, i64(1, 0), i32(2, v), s(3, ''));
const intOrStr = (n: number, v: string): F => msg(n, i64(1, 1), i32(2, 0), s(3, v));
const qty = (n: number, v: string): F => msg(n, s(1, v));

/** ObjectMeta as Go writes it: every plain-value field present, the zero creationTimestamp empty. */
function meta(o: { name?: string; namespace?: string; labels?: Record<string, string>; extra?: F[] }): F {
  return msg(
    1,
    s(1, o.name ?? ''),
    s(2, ''),
    s(3, o.namespace ?? ''),
    s(4, ''),
    s(5, ''),
    s(6, ''),
    i64(7, 0),
    zeroTime(8),
    ...Object.entries(o.labels ?? {}).map(([k, v]) => entry(11, k, v)),
    ...(o.extra ?? []),
  );
}

const MAGIC = Buffer.from('k8s\0', 'latin1');
function envelope(apiVersion: string, kind: string, raw: Uint8Array): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(m(msg(1, s(1, apiVersion), s(2, kind)), bytes(2, raw), s(3, ''), s(4, '')))]);
}

const defs: Record<string, string> = {
  'v1/ConfigMap': 'io.k8s.api.core.v1.ConfigMap',
  'v1/Secret': 'io.k8s.api.core.v1.Secret',
  'v1/Service': 'io.k8s.api.core.v1.Service',
  'v1/Pod': 'io.k8s.api.core.v1.Pod',
  'apps/v1/Deployment': 'io.k8s.api.apps.v1.Deployment',
  'batch/v1/Job': 'io.k8s.api.batch.v1.Job',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'io.k8s.api.rbac.v1.RoleBinding',
  'policy/v1/PodDisruptionBudget': 'io.k8s.api.policy.v1.PodDisruptionBudget',
  'policy/v1/Eviction': 'io.k8s.api.policy.v1.Eviction',
  'autoscaling/v2/HorizontalPodAutoscaler': 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  'events.k8s.io/v1/Event': 'io.k8s.api.events.v1.Event',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy',
  'apiextensions.k8s.io/v1/CustomResourceDefinition': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
};
const lookup = (apiVersion: string, kind: string) => defs[`${apiVersion}/${kind}`];
const decode = (apiVersion: string, kind: string, ...fields: F[]) => decodeProtobufObject(envelope(apiVersion, kind, m(...fields)), lookup);

function assertApiError(fn: () => unknown, code: number, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

// ---- the typed kinds kubectl creates ----------------------------------------------------

describe('decodeProtobufObject', () => {
  it('decodes a ConfigMap: metadata, string data, binary data as base64', () => {
    const got = decode(
      'v1',
      'ConfigMap',
      meta({ name: 'cfg', namespace: 'default', labels: { app: 'web' } }),
      entry(2, 'a', 'b'),
      entry(2, 'empty', ''),
      msg(3, s(1, 'bin'), bytes(2, Uint8Array.from([0, 1, 2, 255]))),
      bool(4, true),
    );
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace: 'default', labels: { app: 'web' } },
      data: { a: 'b', empty: '' },
      binaryData: { bin: 'AAEC/w==' },
      immutable: true,
    });
  });

  it('decodes a Secret: data bytes become base64, an empty type is left out', () => {
    const got = decode('v1', 'Secret', meta({ name: 's1' }), msg(2, s(1, 'password'), bytes(2, Buffer.from('hunter2'))), s(3, ''));
    assert.deepEqual(got, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { password: Buffer.from('hunter2').toString('base64') } });
    const typed = decode('v1', 'Secret', meta({ name: 's2' }), s(3, 'kubernetes.io/tls'));
    assert.equal(typed['type'], 'kubernetes.io/tls');
  });

  it('decodes a Service: IntOrString targetPort both ways, zero nodePort and empty names dropped', () => {
    const port = (name: string, p: number, target: F) => msg(1, s(1, name), s(2, 'TCP'), i32(3, p), target, i32(5, 0));
    const got = decode(
      'v1',
      'Service',
      meta({ name: 'svc' }),
      msg(2, port('', 80, intOrInt(4, 8080)), port('https', 443, intOrStr(4, 'web')), entry(2, 'app', 'web'), s(3, ''), s(4, 'ClusterIP'), s(7, ''), s(10, '')),
      msg(3, msg(1)),
    );
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc' },
      spec: {
        ports: [
          { protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'https', protocol: 'TCP', port: 443, targetPort: 'web' },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
      },
      status: { loadBalancer: {} },
    });
  });

  it('decodes a Deployment with a full pod template', () => {
    const container = msg(
      2,
      s(1, 'web'),
      s(2, 'nginx:1.25'),
      s(3, 'sleep'), // command
      s(4, '10'), // args
      s(5, ''), // workingDir
      msg(6, s(1, ''), i32(2, 0), i32(3, 80), s(4, 'TCP'), s(5, '')), // ports: name, hostPort, containerPort, protocol, hostIP
      msg(7, s(1, 'MODE'), s(2, 'fast')),
      msg(7, s(1, 'POD'), s(2, ''), msg(3, msg(1, s(1, 'v1'), s(2, 'metadata.name')))),
      msg(7, s(1, 'PASS'), s(2, ''), msg(3, msg(4, msg(1, s(1, 'creds')), s(2, 'password'), bool(3, true)))),
      msg(8, msg(1, s(1, 'cpu'), qty(2, '500m')), msg(1, s(1, 'memory'), qty(2, '128Mi')), msg(2, s(1, 'cpu'), qty(2, '250m'))),
      msg(9, s(1, 'data'), bool(2, false), s(3, '/data'), s(4, '')),
      // livenessProbe: handler{httpGet}, initialDelaySeconds, timeoutSeconds 0 (unset), periodSeconds
      msg(10, msg(1, msg(2, s(1, '/healthz'), intOrInt(2, 8080), s(3, ''), s(4, 'HTTP'))), i32(2, 5), i32(3, 0), i32(4, 10), i32(5, 0), i32(6, 0)),
      // readinessProbe: handler{exec}
      msg(11, msg(1, msg(1, s(1, 'cat'), s(1, '/ready'))), i32(2, 0), i32(3, 0), i32(4, 0), i32(5, 0), i32(6, 0)),
      s(13, '/dev/termination-log'),
      s(14, 'IfNotPresent'),
      // securityContext: runAsUser 0 and allowPrivilegeEscalation false are pointers: they stay
      msg(15, msg(1, s(1, 'NET_ADMIN')), i64(4, 0), bool(7, false)),
      bool(16, false),
      bool(17, false),
      bool(18, false),
    );
    const podSpec = msg(
      2,
      msg(1, s(1, 'data'), msg(2, msg(2, s(1, ''), qty(2, '1Gi')))),
      msg(1, s(1, 'cfg'), msg(2, msg(19, msg(1, s(1, 'app-config')), msg(2, s(1, 'k'), s(2, 'k.txt')), i32(3, 420)))),
      container,
      s(3, 'Always'),
      i64(4, 30),
      s(6, 'ClusterFirst'),
      entry(7, 'disk', 'ssd'),
      s(8, ''),
      s(9, ''),
      s(10, ''),
      bool(11, false),
      s(19, 'default-scheduler'),
      msg(22, s(1, 'node-role'), s(2, 'Exists'), s(3, ''), s(4, 'NoSchedule')),
    );
    const got = decode(
      'apps/v1',
      'Deployment',
      meta({ name: 'web', labels: { app: 'web' } }),
      msg(
        2,
        i32(1, 3),
        msg(2, entry(1, 'app', 'web')),
        msg(3, meta({ labels: { app: 'web' } }), podSpec),
        msg(4, s(1, 'RollingUpdate'), msg(2, intOrStr(1, '25%'), intOrInt(2, 1))),
        i32(5, 0),
        i32(6, 10),
        bool(7, false),
      ),
      msg(3),
    );
    assert.deepEqual(got, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            volumes: [
              { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
              { name: 'cfg', configMap: { name: 'app-config', items: [{ key: 'k', path: 'k.txt' }], defaultMode: 420 } },
            ],
            containers: [
              {
                name: 'web',
                image: 'nginx:1.25',
                command: ['sleep'],
                args: ['10'],
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                env: [
                  { name: 'MODE', value: 'fast' },
                  { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                  { name: 'PASS', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: true } } },
                ],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
                volumeMounts: [{ name: 'data', mountPath: '/data' }],
                livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10 },
                readinessProbe: { exec: { command: ['cat', '/ready'] } },
                terminationMessagePath: '/dev/termination-log',
                imagePullPolicy: 'IfNotPresent',
                securityContext: { capabilities: { add: ['NET_ADMIN'] }, runAsUser: 0, allowPrivilegeEscalation: false },
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { disk: 'ssd' },
            schedulerName: 'default-scheduler',
            tolerations: [{ key: 'node-role', operator: 'Exists', effect: 'NoSchedule' }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 10,
      },
      status: {},
    });
  });

  it('decodes a Pod, with times, owner references and unknown fields skipped', () => {
    const got = decode(
      'v1',
      'Pod',
      meta({
        name: 'p1',
        namespace: 'ns',
        extra: [
          time(9, 1700000000),
          i64(10, 30),
          msg(13, s(5, 'apps/v1'), s(1, 'ReplicaSet'), s(3, 'rs1'), s(4, 'uid-1'), bool(6, true)),
          s(14, 'example.com/guard'),
          s(99, 'a field from the future'),
        ],
      }),
      msg(2, msg(2, s(1, 'c'), s(2, 'busybox')), s(3, 'Never'), i64(5, 600), s(10, 'node-1'), i32(25, -5), i64(777, 1)),
      msg(1234, s(1, 'ignored')),
    );
    assert.deepEqual(got, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p1',
        namespace: 'ns',
        deletionTimestamp: '2023-11-14T22:13:20Z',
        deletionGracePeriodSeconds: 30,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', uid: 'uid-1', controller: true }],
        finalizers: ['example.com/guard'],
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never', activeDeadlineSeconds: 600, nodeName: 'node-1', priority: -5 },
    });
  });

  it('decodes a Job', () => {
    const got = decode(
      'batch/v1',
      'Job',
      meta({ name: 'j1' }),
      msg(2, i32(1, 2), i32(2, 4), i64(3, 120), msg(6, meta({}), msg(2, msg(2, s(1, 'j1'), s(2, 'busybox'), s(3, 'echo'), s(3, 'hi')), s(3, 'Never'))), i32(7, 6), i32(8, 100), s(9, 'NonIndexed'), bool(10, false)),
    );
    assert.deepEqual(got, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j1' },
      spec: {
        parallelism: 2,
        completions: 4,
        activeDeadlineSeconds: 120,
        template: { metadata: {}, spec: { containers: [{ name: 'j1', image: 'busybox', command: ['echo', 'hi'] }], restartPolicy: 'Never' } },
        backoffLimit: 6,
        ttlSecondsAfterFinished: 100,
        completionMode: 'NonIndexed',
        suspend: false,
      },
    });
  });

  it('decodes a RoleBinding', () => {
    const got = decode(
      'rbac.authorization.k8s.io/v1',
      'RoleBinding',
      meta({ name: 'rb1', namespace: 'default' }),
      msg(2, s(1, 'User'), s(2, 'rbac.authorization.k8s.io'), s(3, 'alice'), s(4, '')),
      msg(2, s(1, 'ServiceAccount'), s(2, ''), s(3, 'robot'), s(4, 'ci')),
      msg(3, s(1, 'rbac.authorization.k8s.io'), s(2, 'Role'), s(3, 'r1')),
    );
    assert.deepEqual(got, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb1', namespace: 'default' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'ci' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r1' },
    });
  });

  it('decodes a ValidatingAdmissionPolicy, its rules inlined from RuleWithOperations and Rule', () => {
    const rule = msg(3, s(1, 'web'), msg(2, s(1, 'CREATE'), s(1, 'UPDATE'), msg(2, s(1, 'apps'), s(2, 'v1'), s(3, 'deployments'), s(4, '*'))));
    const got = decode('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', meta({ name: 'p' }), msg(2,
      msg(2, rule, s(7, 'Equivalent')),
      msg(3, s(1, 'object.spec.replicas <= 5'), s(2, ''), s(4, '')),
      s(4, 'Fail'),
    ));
    assert.deepEqual(got['spec'], {
      matchConstraints: { resourceRules: [{ resourceNames: ['web'], operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }], matchPolicy: 'Equivalent' },
      validations: [{ expression: 'object.spec.replicas <= 5' }],
      failurePolicy: 'Fail',
    });
  });

  it('decodes a PodDisruptionBudget with IntOrString bounds', () => {
    const sel = msg(2, entry(1, 'app', 'web'), msg(2, s(1, 'tier'), s(2, 'In'), s(3, 'a'), s(3, 'b')));
    const min = decode('policy/v1', 'PodDisruptionBudget', meta({ name: 'pdb' }), msg(2, intOrInt(1, 1), sel));
    assert.deepEqual(min['spec'], { minAvailable: 1, selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] } });
    const max = decode('policy/v1', 'PodDisruptionBudget', meta({ name: 'pdb' }), msg(2, intOrStr(3, '50%'), s(4, 'AlwaysAllow')));
    assert.deepEqual(max['spec'], { maxUnavailable: '50%', unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('decodes an autoscaling/v2 HorizontalPodAutoscaler', () => {
    const got = decode(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      meta({ name: 'web' }),
      msg(
        2,
        msg(1, s(1, 'Deployment'), s(2, 'web'), s(3, 'apps/v1')),
        i32(2, 2),
        i32(3, 5),
        msg(4, s(1, 'Resource'), msg(4, s(1, 'cpu'), msg(2, s(1, 'Utilization'), i32(4, 80)))),
        msg(4, s(1, 'Pods'), msg(3, msg(1, s(1, 'qps')), msg(2, s(1, 'AverageValue'), qty(3, '10')))),
        msg(5, msg(2, i32(3, 300), s(1, 'Max'), msg(2, s(1, 'Pods'), i32(2, 1), i32(3, 60)))),
      ),
    );
    assert.deepEqual(got['spec'], {
      scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    });
  });

  it('decodes a policy/v1 Eviction with its DeleteOptions (a zero grace period is kept)', () => {
    const got = decode('policy/v1', 'Eviction', meta({ name: 'p1', namespace: 'default' }), msg(2, i64(1, 0), msg(2, s(1, 'uid-9'), s(2, '')), s(5, 'All')));
    assert.deepEqual(got, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'p1', namespace: 'default' },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'uid-9', resourceVersion: '' }, dryRun: ['All'] },
    });
  });

  it('decodes a CustomResourceDefinition spec; a schema, or the status Go always writes, is refused with 415', () => {
    const names = msg(3, s(1, 'widgets'), s(2, ''), s(3, 'wd'), s(4, 'Widget'), s(5, ''));
    const version = (...extra: F[]) => msg(7, s(1, 'v1'), bool(2, true), bool(3, true), bool(7, false), ...extra);
    const spec = (...extra: F[]) => msg(2, s(1, 'example.com'), names, s(4, 'Namespaced'), version(...extra), bool(10, false));
    const got = decode('apiextensions.k8s.io/v1', 'CustomResourceDefinition', meta({ name: 'widgets.example.com' }), spec());
    assert.deepEqual(got['spec'], {
      group: 'example.com',
      names: { plural: 'widgets', shortNames: ['wd'], kind: 'Widget' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true }],
    });
    // CustomResourceValidation and CustomResourceDefinitionStatus are anonymous objects in the schema DSL.
    assertApiError(() => decode('apiextensions.k8s.io/v1', 'CustomResourceDefinition', meta({}), spec(msg(4, msg(1, s(5, 'object'))))), 415, /CustomResourceDefinitionVersion\.schema/);
    assertApiError(() => decode('apiextensions.k8s.io/v1', 'CustomResourceDefinition', meta({}), spec(), msg(3, msg(2))), 415, /CustomResourceDefinition\.status/);
  });

  it('decodes JSONSchemaProps: JSON default and enum, nested properties, zero plain values dropped', () => {
    const dbl = (n: number, v: number): F => (w) => void w.uint32((n << 3) | 1).double(v);
    const json = (n: number, v: unknown) => msg(n, bytes(1, Buffer.from(JSON.stringify(v))));
    // Go writes every plain string and bool of JSONSchemaProps, zero or not.
    const plain = (type: string): F[] => [s(1, ''), s(2, ''), s(4, ''), s(5, type), s(6, ''), s(7, ''), bool(10, false), bool(12, false), s(15, ''), bool(18, false), bool(37, false), bool(39, false), bool(40, false)];
    const replicas = msg(29, s(1, 'replicas'), msg(2, ...plain('integer'), json(8, 1), dbl(11, 0), i64(13, 0)));
    const mode = msg(29, s(1, 'mode'), msg(2, ...plain('string'), json(20, 'fast'), json(20, 'slow'), s(43, 'atomic')));
    const rule = msg(44, s(1, 'self.replicas >= 0'), s(2, ''), s(3, ''), s(5, ''));
    const body = envelope('', '', m(...plain('object'), replicas, mode, s(23, 'mode'), rule));
    const got = decodeProtobufObject(body, () => 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps');
    assert.deepEqual(got, {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1, minimum: 0, maxLength: 0 },
        mode: { type: 'string', enum: ['fast', 'slow'], 'x-kubernetes-map-type': 'atomic' },
      },
      required: ['mode'],
      'x-kubernetes-validations': [{ rule: 'self.replicas >= 0' }],
    });
  });

  it('writes MicroTime with six fractional digits and managedFields as JSON', () => {
    const fields = Buffer.from(JSON.stringify({ 'f:metadata': { 'f:labels': {} } }));
    const got = decode(
      'events.k8s.io/v1',
      'Event',
      meta({ name: 'e1', extra: [msg(17, s(1, 'kubectl'), s(2, 'Update'), s(3, 'v1'), time(4, 0), s(6, 'FieldsV1'), msg(7, bytes(1, fields)), s(8, ''))] }),
      msg(2, i64(1, 1700000000), i32(2, 123456789)),
      s(7, 'Scheduled'),
    );
    assert.equal(got['eventTime'], '2023-11-14T22:13:20.123456Z');
    assert.equal(got['reason'], 'Scheduled');
    assert.deepEqual((got['metadata'] as { managedFields: unknown[] }).managedFields, [
      { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '1970-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
    ]);
  });

  // ---- refusals ---------------------------------------------------------------------------

  it('refuses a body without the k8s magic prefix', () => {
    assertApiError(() => decodeProtobufObject(Buffer.from('{"kind":"Pod"}'), lookup), 400, /does not appear to be a protobuf message/);
  });

  it('refuses an unregistered kind', () => {
    assertApiError(() => decodeProtobufObject(envelope('v1', 'Gadget', m()), lookup), 400, /no kind "Gadget" is registered for version "v1"/);
  });

  it('answers 415, naming the type, for a type that has no protobuf tag table', () => {
    define('io.k8s.test.protobuf.Widget', obj({ metadata: { type: 'ref', ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }, color: str() }));
    const body = envelope('test/v1', 'Widget', m(meta({ name: 'w' })));
    assertApiError(() => decodeProtobufObject(body, () => 'io.k8s.test.protobuf.Widget'), 415, /io\.k8s\.test\.protobuf\.Widget/);
  });

  it('refuses truncated and mis-typed bodies with 400, never a partial object', () => {
    const full = envelope('v1', 'ConfigMap', m(meta({ name: 'cfg' }), entry(2, 'a', 'b')));
    assertApiError(() => decodeProtobufObject(full.subarray(0, full.length - 3), lookup), 400, /truncated|malformed/);
    // metadata.name (field 1) sent as a varint instead of a string
    assertApiError(() => decode('v1', 'ConfigMap', msg(1, i64(1, 7))), 400, /wire type/);
    // a length that runs past the end of its parent message
    const lying = Buffer.concat([MAGIC, Buffer.from(m(msg(1, s(1, 'v1'), s(2, 'ConfigMap')))), Buffer.from([0x12, 0x05, 0x0a, 0x7f, 0x00])]);
    assertApiError(() => decodeProtobufObject(lying, lookup), 400, /truncated|malformed/);
  });
});

// ---- the tables against the schema ----------------------------------------------------------

/** Every object definition reachable from a schema. */
function reachable(name: string, seen: Set<string>): void {
  if (seen.has(name)) return;
  seen.add(name);
  const walk = (sc: Schema): void => {
    if (sc.type === 'ref') {
      const target = lookupDefinition(sc.ref);
      if (target && resolve(target).type === 'object') reachable(sc.ref, seen);
    } else if (sc.type === 'array') walk(sc.items);
    else if (sc.type === 'map') walk(sc.values);
    else if (sc.type === 'object') for (const p of Object.values(sc.properties)) walk(p);
  };
  walk(lookupDefinition(name)!);
}

describe('protobuf tag tables', () => {
  it('cover every message reachable from every served kind', () => {
    const seen = new Set<string>();
    for (const k of allKinds) reachable(k.schema, seen);
    // NodeSwapStatus is newer than the 1.32 wire format: clients of 1.32 never send it.
    const missing = [...seen].filter((n) => !lookupProtoTags(n) && n !== 'io.k8s.api.core.v1.NodeSwapStatus');
    assert.deepEqual(missing, []);
    for (const kind of ['ConfigMap', 'Pod', 'PodSpec', 'Container', 'Probe', 'Volume', 'Affinity', 'TopologySpreadConstraint', 'PodDNSConfig']) {
      assert.ok(seen.has(`io.k8s.api.core.v1.${kind}`), kind);
    }
  });

  it('name only fields the schema has, with numbers unique per message', () => {
    const inlinedInto = new Map<string, string>();
    for (const [name, t] of allProtoTags()) for (const sub of t.inline.values()) inlinedInto.set(sub, name);
    for (const [name, t] of allProtoTags()) {
      let owner = name;
      while (inlinedInto.has(owner)) owner = inlinedInto.get(owner)!;
      const def = lookupDefinition(owner);
      assert.ok(def, `${name}: no schema definition ${owner}`);
      const props = resolve(def).type === 'object' ? (resolve(def) as { properties: Record<string, Schema> }).properties : {};
      for (const field of Object.keys(t.fields)) assert.ok(field in props, `${name}.${field} is not a field of ${owner}`);
      for (const sub of t.inline.values()) assert.ok(lookupProtoTags(sub), `${name} inlines ${sub}, which has no table`);
    }
  });

  it('carry upstream numbers and Go field shapes for well-known messages', () => {
    assert.deepEqual(lookupProtoTags('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!.fields, {
      name: 1, generateName: 2, namespace: 3, selfLink: 4, uid: 5, resourceVersion: 6, generation: 7, creationTimestamp: 8,
      deletionTimestamp: 9, deletionGracePeriodSeconds: 10, labels: 11, annotations: 12, ownerReferences: 13, finalizers: 14, managedFields: 17,
    });
    const port = lookupProtoTags('io.k8s.api.core.v1.ServicePort')!;
    assert.deepEqual(port.fields, { name: 1, protocol: 2, appProtocol: 6, port: 3, targetPort: 4, nodePort: 5 });
    assert.ok(port.omitEmpty.has('nodePort') && !port.omitEmpty.has('port'));
    const probe = lookupProtoTags('io.k8s.api.core.v1.Probe')!;
    assert.equal(probe.inline.get(1), 'io.k8s.api.core.v1.ProbeHandler');
    const sc = lookupProtoTags('io.k8s.api.core.v1.SecurityContext')!;
    assert.equal(sc.omitEmpty.size, 0, 'every SecurityContext field is a pointer in Go');
  });
});
