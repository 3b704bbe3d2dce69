import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../api/meta/types.js';
import { allKinds, PREFERRED_VERSIONS } from '../../../api/scheme/all.js';
import { ApiError } from '../../errors.js';
import type { ResourceEntry } from '../../registry/entry.js';
import { objectKey, Registry } from '../../registry/registry.js';
import type { AdmissionAttributes, AdmissionCheck } from '../../rest/resource-store.js';
import type { WatchCache } from '../../watchcache/watch-cache.js';
import { validatingAdmissionPolicy } from './plugin.js';

const registry = new Registry(allKinds, PREFERRED_VERSIONS);
const entry = (group: string, version: string, resource: string) => registry.lookup(group, version, resource)!;
const deployments = entry('apps', 'v1', 'deployments');
const configMaps = entry('', 'v1', 'configmaps');
const namespaces = entry('', 'v1', 'namespaces');
const policies = entry('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies');
const bindings = entry('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings');

/** Just enough of the watch cache: what the plugin reads (objects by key per resource). */
class Objects {
  private readonly byPrefix = new Map<string, Map<string, { obj: KubeObject }>>();
  put(e: ResourceEntry, obj: KubeObject): void {
    e.def.default?.(obj);
    let m = this.byPrefix.get(e.keyPrefix);
    if (!m) this.byPrefix.set(e.keyPrefix, (m = new Map()));
    m.set(objectKey(e, obj.metadata.namespace, obj.metadata.name!), { obj });
  }
  remove(e: ResourceEntry, ns: string | undefined, name: string): void {
    this.byPrefix.get(e.keyPrefix)?.delete(objectKey(e, ns, name));
  }
  get cache(): WatchCache {
    return { resource: (prefix: string) => ({ items: this.byPrefix.get(prefix) ?? new Map() }) } as unknown as WatchCache;
  }
}

function recorder(): AdmissionAttributes & { warnings: string[]; annotations: Record<string, string> } {
  const warnings: string[] = [];
  const annotations: Record<string, string> = {};
  return { dryRun: false, warnings, annotations, warn: (m) => warnings.push(m), annotate: (k, v) => void (annotations[k] = v) };
}

const deployment = (name: string, replicas: number, ns = 'default', labels?: Record<string, string>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels }, spec: { replicas } });

const RULES = { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] };

function setup(policySpec: Record<string, unknown>, bindingSpec: Record<string, unknown>) {
  const objects = new Objects();
  objects.put(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { env: 'prod' } } });
  objects.put(policies, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'p' }, spec: { matchConstraints: RULES, ...policySpec } });
  objects.put(bindings, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' }, spec: { policyName: 'p', validationActions: ['Deny'], ...bindingSpec } });
  const check = validatingAdmissionPolicy(registry, objects.cache)!;
  return { objects, check };
}

async function outcome(check: AdmissionCheck, obj: KubeObject, op: 'create' | 'update' | 'delete' = 'create', old?: KubeObject, e = deployments) {
  const attrs = recorder();
  try {
    await check(e, obj, op, old, { name: 'alice', groups: ['dev'] }, attrs);
    return { allowed: true as const, attrs };
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    return { allowed: false as const, status: err.status, attrs };
  }
}

/** The denial message of a request expected to be refused. */
async function denial(...args: Parameters<typeof outcome>): Promise<string> {
  const r = await outcome(...args);
  assert.equal(r.allowed, false, 'expected a denial');
  return r.status?.message ?? '';
}

describe('ValidatingAdmissionPolicy plugin', () => {
  it('denies a false validation with the message and reason, allows a true one', async () => {
    const { check } = setup({ validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many', reason: 'Forbidden' }] }, {});
    assert.equal((await outcome(check, deployment('ok', 5))).allowed, true);
    const r = await outcome(check, deployment('big', 6));
    assert.equal(r.allowed, false);
    assert.equal(r.status?.code, 403);
    assert.equal(r.status?.message, `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'p' with binding 'b' denied request: too many`);
    // DELETE is not among the rule's operations; other resources are not matched.
    assert.equal((await outcome(check, deployment('big', 6), 'delete')).allowed, true);
    assert.equal((await outcome(check, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' } }, 'create', undefined, configMaps)).allowed, true);
  });

  it('sees oldObject, request and namespaceObject', async () => {
    const { check } = setup({
      validations: [
        { expression: "request.operation != 'UPDATE' || object.spec.replicas >= oldObject.spec.replicas", message: 'no scaling down' },
        { expression: "request.userInfo.username == 'alice' && 'dev' in request.userInfo.groups && namespaceObject.metadata.labels.env == 'prod'" },
      ],
    }, {});
    assert.equal((await outcome(check, deployment('d', 3), 'update', deployment('d', 2))).allowed, true);
    const r = await outcome(check, deployment('d', 1), 'update', deployment('d', 2));
    assert.match(r.status?.message ?? '', /denied request: no scaling down$/);
  });

  it('matchConditions skip, variables compose, messageExpression words the denial', async () => {
    const { check } = setup({
      matchConditions: [{ name: 'not-exempt', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" }],
      variables: [{ name: 'limit', expression: '3' }, { name: 'over', expression: 'object.spec.replicas - variables.limit' }],
      validations: [{ expression: 'variables.over <= 0', messageExpression: "'over the limit by ' + string(variables.over)" }],
    }, {});
    assert.match((await denial(check, deployment('d', 5))), /denied request: over the limit by 2$/);
    assert.equal((await outcome(check, deployment('d', 5, 'default', { exempt: 'yes' }))).allowed, true);
  });

  it('runtime errors follow failurePolicy', async () => {
    const failing = setup({ validations: [{ expression: 'object.spec.missing == 1' }] }, {});
    const r = await outcome(failing.check, deployment('d', 1));
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'object\.spec\.missing == 1' resulted in error: /);
    const ignoring = setup({ failurePolicy: 'Ignore', validations: [{ expression: 'object.spec.missing == 1' }] }, {});
    assert.equal((await outcome(ignoring.check, deployment('d', 1))).allowed, true);
  });

  it('Warn and Audit actions, and audit annotations', async () => {
    const { check } = setup(
      { validations: [{ expression: 'object.spec.replicas <= 5' }], auditAnnotations: [{ key: 'replicas', valueExpression: 'string(object.spec.replicas)' }] },
      { validationActions: ['Warn', 'Audit'] },
    );
    const r = await outcome(check, deployment('d', 9));
    assert.equal(r.allowed, true);
    assert.deepEqual(r.attrs.warnings, [`Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': failed expression: object.spec.replicas <= 5`]);
    assert.deepEqual(r.attrs.annotations, {
      'p/replicas': '9',
      'validation.policy.admission.k8s.io/validation_failure': JSON.stringify([{ message: 'failed expression: object.spec.replicas <= 5', policy: 'p', binding: 'b', expressionIndex: 0, validationActions: ['Warn', 'Audit'] }]),
    });
  });

  it('binding matchResources narrow by namespace and object selectors; exclude rules win', async () => {
    const { check } = setup({ validations: [{ expression: 'false' }] }, { matchResources: { namespaceSelector: { matchLabels: { env: 'prod' } }, objectSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] } } });
    assert.equal((await outcome(check, deployment('d', 1, 'default', { tier: 'db' }))).allowed, true);
    assert.equal((await outcome(check, deployment('d', 1, 'default', { tier: 'web' }))).allowed, false);
    assert.equal((await outcome(check, deployment('d', 1, 'elsewhere', { tier: 'web' }))).allowed, true, 'a namespace without the label');
    const excluded = setup({ validations: [{ expression: 'false' }], matchConstraints: { ...RULES, excludeResourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'], resourceNames: ['skip-me'] }] } }, {});
    assert.equal((await outcome(excluded.check, deployment('skip-me', 1))).allowed, true);
    assert.equal((await outcome(excluded.check, deployment('other', 1))).allowed, false);
  });

  it('params by name and by selector, with parameterNotFoundAction', async () => {
    const policy = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', messageExpression: "'max ' + params.data.max" }] };
    const byName = setup(policy, { paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } });
    const cm = (name: string, max: string, labels?: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { max } });
    assert.match((await denial(byName.check, deployment('d', 1))), /no params found for policy binding with `Deny` parameterNotFoundAction/);
    // The param is looked up in the request's namespace when the binding names none.
    byName.objects.put(configMaps, cm('limits', '2'));
    assert.equal((await outcome(byName.check, deployment('d', 2))).allowed, true);
    assert.match((await denial(byName.check, deployment('d', 3))), /denied request: max 2$/);
    const allow = setup(policy, { paramRef: { name: 'absent', parameterNotFoundAction: 'Allow' } });
    assert.equal((await outcome(allow.check, deployment('d', 100))).allowed, true);
    // A selector: every selected param must pass.
    const bySelector = setup(policy, { paramRef: { selector: { matchLabels: { kind: 'limit' } }, parameterNotFoundAction: 'Deny' } });
    bySelector.objects.put(configMaps, cm('a', '10', { kind: 'limit' }));
    bySelector.objects.put(configMaps, cm('b', '4', { kind: 'limit' }));
    bySelector.objects.put(configMaps, cm('c', '1'));
    assert.equal((await outcome(bySelector.check, deployment('d', 4))).allowed, true);
    assert.match((await denial(bySelector.check, deployment('d', 5))), /denied request: max 4$/);
  });

  it('a policy whose paramKind is not served fails under failurePolicy Fail', async () => {
    const { check } = setup({ paramKind: { apiVersion: 'example.com/v1', kind: 'Limit' }, validations: [{ expression: 'true' }] }, { paramRef: { name: 'x', parameterNotFoundAction: 'Deny' } });
    assert.match((await denial(check, deployment('d', 1))), /failed to configure policy: failed to find resource referenced by paramKind: 'example\.com\/v1, Kind=Limit'/);
  });

  it('does not apply to the admission configuration kinds', async () => {
    const { check } = setup({ matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] }, validations: [{ expression: 'false' }] }, {});
    assert.equal((await outcome(check, { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'b' } }, 'delete', undefined, bindings)).allowed, true);
    assert.equal((await outcome(check, deployment('d', 1), 'delete')).allowed, false, 'DELETE matched by *: object is null, oldObject the deleted one');
  });
});
