import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError, type FieldError } from '../../../validation/field.js';
import { defaultPod } from './defaults.js';
import { validatePod, validateBinding } from './validation.js';
import { minimalPod, realisticPod } from './testing/pods.js';
import type { Pod } from './types.js';

const messages = (errs: FieldError[]) => errs.map(formatFieldError);

/** Defaults then validates, as the API server does on create. */
function check(mutate: (p: Pod) => void, base = minimalPod): string[] {
  const pod = base();
  mutate(pod);
  defaultPod(pod);
  return messages(validatePod(pod));
}

function assertHas(msgs: string[], expected: string): void {
  assert.ok(msgs.includes(expected), `expected ${JSON.stringify(expected)} among ${JSON.stringify(msgs, null, 1)}`);
}

test('a minimal and a realistic pod are valid', () => {
  assert.deepEqual(check(() => {}), []);
  assert.deepEqual(check(() => {}, realisticPod), []);
});

test('containers are required', () => {
  assertHas(check((p) => (p.spec!.containers = [])), 'spec.containers: Required value');
});

test('container names: DNS labels, unique across init and app containers', () => {
  const bad = check((p) => (p.spec!.containers[0]!.name = 'App_1'));
  assert.ok(bad.some((m) => m.startsWith('spec.containers[0].name: Invalid value: "App_1": a lowercase RFC 1123 label must consist of')), bad.join('\n'));
  assertHas(
    check((p) => p.spec!.containers.push({ name: 'app', image: 'x' })),
    'spec.containers[1].name: Duplicate value: "app"',
  );
  assertHas(
    check((p) => (p.spec!.initContainers = [{ name: 'app', image: 'x' }])),
    'spec.initContainers[0].name: Duplicate value: "app"',
  );
});

test('image is required', () => {
  assertHas(check((p) => delete p.spec!.containers[0]!.image), 'spec.containers[0].image: Required value');
  assertHas(check((p) => (p.spec!.containers[0]!.image = ' nginx')), 'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace');
});

test('ports', () => {
  const msgs = check((p) => {
    p.spec!.containers[0]!.ports = [
      { containerPort: 70000 },
      { containerPort: 80, protocol: 'ICMP' },
      { name: 'web', containerPort: 81 },
      { name: 'web', containerPort: 82 },
      { name: 'Bad_Name', containerPort: 83 },
    ];
  });
  assertHas(msgs, 'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive');
  assertHas(msgs, 'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"');
  assertHas(msgs, 'spec.containers[0].ports[3].name: Duplicate value: "web"');
  assert.ok(msgs.some((m) => m.startsWith('spec.containers[0].ports[4].name: Invalid value: "Bad_Name"')));
  assertHas(check((p) => (p.spec!.containers[0]!.ports = [{ containerPort: 0 }])), 'spec.containers[0].ports[0].containerPort: Required value');
});

test('host port conflicts', () => {
  const msgs = check((p) => {
    p.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080 }];
    p.spec!.containers.push({ name: 'b', image: 'x', ports: [{ containerPort: 81, hostPort: 8080 }] });
  });
  assertHas(msgs, 'spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"');
});

test('env: names and exactly one valueFrom source', () => {
  const msgs = check((p) => {
    p.spec!.containers[0]!.env = [
      { name: 'A=B', value: 'x' },
      { name: 'EMPTY', valueFrom: {} },
      { name: 'BOTH', valueFrom: { fieldRef: { fieldPath: 'metadata.name' }, secretKeyRef: { name: 's', key: 'k' } } },
      { name: 'VAL', value: 'v', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
      { name: 'FIELD', valueFrom: { fieldRef: { fieldPath: 'spec.containers' } } },
      { name: '', value: 'x' },
    ];
  });
  assertHas(msgs, 'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\'');
  assertHas(msgs, 'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
  assertHas(msgs, 'spec.containers[0].env[2].valueFrom: Invalid value: "": may not have more than one field specified at a time');
  assertHas(msgs, 'spec.containers[0].env[3].valueFrom: Invalid value: "": may not be specified when `value` is not empty');
  assert.ok(msgs.some((m) => m.startsWith('spec.containers[0].env[4].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.containers"')));
  assertHas(msgs, 'spec.containers[0].env[5].name: Required value');
});

test('envFrom needs one source', () => {
  assertHas(check((p) => (p.spec!.containers[0]!.envFrom = [{ prefix: 'X_' }])), 'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`');
});

test('volumes: names unique DNS labels with exactly one source', () => {
  const msgs = check((p) => {
    p.spec!.volumes = [
      { name: 'a', emptyDir: {} },
      { name: 'a', emptyDir: {} },
      { name: 'Bad', emptyDir: {} },
      { name: 'two', emptyDir: {}, hostPath: { path: '/x' } },
      { name: 'cm', configMap: {} },
      { name: 'hp', hostPath: { path: '/x', type: 'Weird' } },
      { name: 'mode', secret: { secretName: 's', defaultMode: 0o1777 } },
      { name: 'items', configMap: { name: 'c', items: [{ key: 'k', path: '../escape' }] } },
    ];
  });
  assertHas(msgs, 'spec.volumes[1].name: Duplicate value: "a"');
  assert.ok(msgs.some((m) => m.startsWith('spec.volumes[2].name: Invalid value: "Bad"')));
  assertHas(msgs, 'spec.volumes[3].hostPath: Forbidden: may not specify more than 1 volume type');
  assertHas(msgs, 'spec.volumes[4].configMap.name: Required value');
  assert.ok(msgs.some((m) => m.startsWith('spec.volumes[5].hostPath.type: Unsupported value: "Weird"')));
  assertHas(msgs, 'spec.volumes[6].secret.defaultMode: Invalid value: 1023: must be a number between 0 and 0777 (octal), both inclusive');
  assertHas(msgs, "spec.volumes[7].configMap.items[0].path: Invalid value: \"../escape\": must not contain '..'");
});

test('volumeMounts must reference existing volumes and be unique', () => {
  const msgs = check((p) => {
    p.spec!.volumes = [{ name: 'data', emptyDir: {} }];
    p.spec!.containers[0]!.volumeMounts = [
      { name: 'data', mountPath: '/data' },
      { name: 'missing', mountPath: '/m' },
      { name: 'data', mountPath: '/data' },
      { name: 'data', mountPath: '/p', mountPropagation: 'Bidirectional' },
    ];
  });
  assertHas(msgs, 'spec.containers[0].volumeMounts[1].name: Not found: "missing"');
  assertHas(msgs, 'spec.containers[0].volumeMounts[2].mountPath: Invalid value: "/data": must be unique');
  assertHas(msgs, 'spec.containers[0].volumeMounts[3].mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers');
});

test('restartPolicy and dnsPolicy enums', () => {
  assertHas(check((p) => (p.spec!.restartPolicy = 'Sometimes')), 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');
  assertHas(check((p) => (p.spec!.dnsPolicy = 'Custom')), 'spec.dnsPolicy: Unsupported value: "Custom": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"');
  assertHas(check((p) => (p.spec!.dnsPolicy = 'None')), 'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None');
});

test('resources: valid quantities, requests not above limits', () => {
  assertHas(
    check((p) => (p.spec!.containers[0]!.resources = { requests: { cpu: '2' }, limits: { cpu: '1' } })),
    'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  );
  assertHas(check((p) => (p.spec!.containers[0]!.resources = { limits: { cpu: '-1' } })), 'spec.containers[0].resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0');
  assert.ok(check((p) => (p.spec!.containers[0]!.resources = { limits: { memory: 'lots' } })).some((m) => m.startsWith('spec.containers[0].resources.limits[memory]: Invalid value: "lots": quantities must match')));
  assertHas(check((p) => (p.spec!.containers[0]!.resources = { limits: { gpu: '1' } })), 'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers');
  assertHas(
    check((p) => (p.spec!.containers[0]!.resources = { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } })),
    'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2',
  );
  assert.deepEqual(check((p) => (p.spec!.containers[0]!.resources = { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '0.5', memory: '2Gi', 'example.com/gpu': '1' } })), []);
});

test('probes: exactly one handler, liveness successThreshold 1', () => {
  const c = (p: Pod) => p.spec!.containers[0]!;
  assertHas(check((p) => (c(p).livenessProbe = { periodSeconds: 5 })), 'spec.containers[0].livenessProbe: Required value: must specify a handler type');
  assertHas(
    check((p) => (c(p).readinessProbe = { exec: { command: ['true'] }, tcpSocket: { port: 80 } })),
    'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
  );
  assertHas(check((p) => (c(p).livenessProbe = { tcpSocket: { port: 80 }, successThreshold: 2 })), 'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1');
  assertHas(check((p) => (c(p).readinessProbe = { httpGet: { port: 0 } })), 'spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive');
  assertHas(check((p) => (c(p).startupProbe = { exec: { command: [] } })), 'spec.containers[0].startupProbe.exec.command: Required value');
  assertHas(check((p) => (p.spec!.initContainers = [{ name: 'i', image: 'x', livenessProbe: { exec: { command: ['true'] } } }])), 'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always');
  assertHas(check((p) => (c(p).restartPolicy = 'Always')), 'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers');
});

test('nodeSelector labels and tolerations', () => {
  assert.ok(check((p) => (p.spec!.nodeSelector = { 'bad key!': 'x' })).some((m) => m.startsWith('spec.nodeSelector: Invalid value: "bad key!"')));
  const msgs = check((p) => {
    p.spec!.tolerations = [
      { key: 'k', operator: 'Exists', value: 'v' },
      { operator: 'Equal', value: 'x' },
      { key: 'k', effect: 'Sometimes' },
      { key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 },
      { operator: 'Exists' },
    ];
  });
  assert.ok(msgs.some((m) => m.startsWith('spec.tolerations[0].operator: Invalid value:') && m.endsWith("value must be empty when `operator` is 'Exists'")), msgs.join('\n'));
  assertHas(msgs, 'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"');
  assertHas(msgs, 'spec.tolerations[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"');
  assertHas(msgs, 'spec.tolerations[3].effect: Invalid value: "NoSchedule": effect must be \'NoExecute\' when `tolerationSeconds` is set');
  assert.ok(!msgs.some((m) => m.startsWith('spec.tolerations[4]')));
});

test('affinity and topology spread', () => {
  const msgs = check((p) => {
    p.spec!.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
      },
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '' }] },
    };
    p.spec!.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }];
  });
  assertHas(msgs, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
  assertHas(msgs, 'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100');
  assertHas(msgs, 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty');
  assertHas(msgs, 'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero');
  assertHas(msgs, 'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"');
});

test('node affinity label values: checked in required terms, free in preferences (where the pod and PV copies disagreed)', () => {
  const msgs = check((p) => {
    p.spec!.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [{ key: 'zone', operator: 'In', values: ['not a label value'] }],
              matchFields: [{ key: 'spec.nodeName', operator: 'In', values: ['n1'] }, { key: 'metadata.name', operator: 'In', values: ['Node_1'] }],
            },
          ],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['not a label value'] }] } }],
      },
    };
  });
  const required = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]';
  assert.ok(msgs.some((m) => m.startsWith(`${required}.matchExpressions[0].values[0]: Invalid value: "not a label value": a valid label must be an empty string or consist of`)), msgs.join('\n'));
  assertHas(msgs, `${required}.matchFields[0].key: Invalid value: "spec.nodeName": not a valid field selector key`);
  assert.ok(msgs.some((m) => m.startsWith(`${required}.matchFields[1].values[0]: Invalid value: "Node_1": a lowercase RFC 1123 subdomain`)), msgs.join('\n'));
  assert.ok(!msgs.some((m) => m.startsWith('spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution')), msgs.join('\n'));
  assert.equal(msgs.length, 3, msgs.join('\n'));
  // Gt and Lt take exactly one value; upstream reads it as an integer only when matching.
  assert.deepEqual(
    check((p) => {
      p.spec!.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['1', '2'] }, { key: 'cores', operator: 'Lt', values: ['8'] }] }] } } };
    }),
    ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"],
  );
});

test('security contexts', () => {
  const msgs = check((p) => {
    p.spec!.securityContext = { runAsUser: -1, sysctls: [{ name: 'Bad Sysctl', value: '1' }] };
    p.spec!.containers[0]!.securityContext = { privileged: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'Localhost' } };
  });
  assertHas(msgs, 'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive');
  assert.ok(msgs.some((m) => m.startsWith('spec.securityContext.sysctls[0].name: Invalid value: "Bad Sysctl": must have at most 253 characters')));
  assert.ok(msgs.some((m) => m.startsWith('spec.containers[0].securityContext: Invalid value:') && m.endsWith('cannot set `allowPrivilegeEscalation` to false and `privileged` to true')));
  assertHas(msgs, 'spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost');
});

test('metadata: pod names are DNS subdomains', () => {
  assert.ok(check((p) => (p.metadata.name = 'Web_1')).some((m) => m.startsWith('metadata.name: Invalid value: "Web_1"')));
  assert.deepEqual(check((p) => (p.metadata.name = 'web.v1')), []);
});

test('create-only rules', () => {
  assertHas(check((p) => (p.spec!.ephemeralContainers = [{ name: 'debug', image: 'busybox' }])), 'spec.ephemeralContainers: Forbidden: cannot be set on create');
  assertHas(
    check((p) => {
      p.spec!.nodeName = 'node-1';
      p.spec!.schedulingGates = [{ name: 'example.com/wait' }];
    }),
    'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared',
  );
});

test('binding needs a target name', () => {
  const msgs = messages(validateBinding({ metadata: { name: 'p' }, target: { kind: 'Pod' } }));
  assertHas(msgs, 'target.name: Required value');
  assertHas(msgs, 'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"');
  assert.deepEqual(validateBinding({ metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }), []);
});
