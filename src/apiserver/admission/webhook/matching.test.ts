// Unit tests of webhook matching (rules, subresources, scope, selectors, Equivalent, exemptions,
// matchConditions) and of the AdmissionReview response checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ValidatingWebhook } from '../../../api/admissionregistration/v1/types.js';
import type { MatchRequest } from '../validating-policy/matching.js';
import { isExemptResource, matchConditionsPass, webhookMatches } from './matching.js';
import { verifyAdmissionResponse } from './review.js';

const hook = (over: Partial<ValidatingWebhook> = {}): ValidatingWebhook => ({
  name: 'x.k8ts.io', clientConfig: { url: 'https://x' }, sideEffects: 'None', admissionReviewVersions: ['v1'],
  rules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }],
  namespaceSelector: {}, objectSelector: {}, matchPolicy: 'Equivalent', ...over,
});

const req = (over: Partial<MatchRequest> = {}): MatchRequest => ({
  operation: 'CREATE', resource: { group: 'apps', version: 'v1', resource: 'deployments' }, equivalents: [], subresource: '', name: 'd', namespace: 'ns',
  objectLabels: {}, namespaceLabels: {}, ...over,
});

describe('webhook matching', () => {
  test('rules: operation, group, version, resource, subresources and *', () => {
    assert.equal(webhookMatches(hook(), req()), true);
    assert.equal(webhookMatches(hook(), req({ operation: 'UPDATE' })), false);
    assert.equal(webhookMatches(hook(), req({ subresource: 'scale' })), false);
    assert.equal(webhookMatches(hook({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/scale'] }] }), req({ subresource: 'scale' })), true);
    assert.equal(webhookMatches(hook({ rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] }), req({ subresource: 'status' })), false);
    assert.equal(webhookMatches(hook({ rules: [] }), req()), false);
  });

  test('scope and matchPolicy', () => {
    assert.equal(webhookMatches(hook({ rules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: 'Cluster' }] }), req()), false);
    const other = req({ resource: { group: 'apps', version: 'v1beta1', resource: 'deployments' }, equivalents: [{ group: 'apps', version: 'v1', resource: 'deployments' }] });
    assert.equal(webhookMatches(hook(), other), true);
    assert.equal(webhookMatches(hook({ matchPolicy: 'Exact' }), other), false);
  });

  test('namespace and object selectors, old object too', () => {
    const sel = { matchLabels: { team: 'a' } };
    assert.equal(webhookMatches(hook({ namespaceSelector: sel }), req({ namespaceLabels: { team: 'b' } })), false);
    assert.equal(webhookMatches(hook({ namespaceSelector: sel }), req({ namespaceLabels: { team: 'a' } })), true);
    assert.equal(webhookMatches(hook({ objectSelector: sel }), req({ operation: 'CREATE', objectLabels: {}, oldObjectLabels: { team: 'a' } })), true);
    assert.equal(webhookMatches(hook({ objectSelector: sel }), req({ objectLabels: {} })), false);
  });

  test('admission configuration is exempt', () => {
    assert.equal(isExemptResource('admissionregistration.k8s.io', 'validatingwebhookconfigurations'), true);
    assert.equal(isExemptResource('admissionregistration.k8s.io', 'validatingadmissionpolicies'), true);
    assert.equal(isExemptResource('', 'configmaps'), false);
  });

  test('matchConditions: false skips even beside an error; an error alone is reported', () => {
    const vars = () => ({ object: { metadata: { name: 'a' } }, oldObject: null, request: {}, authorizer: null });
    const h = (...expressions: string[]) => hook({ matchConditions: expressions.map((expression, i) => ({ name: `c${i}`, expression })) });
    assert.equal(matchConditionsPass(h("object.metadata.name == 'a'"), vars), true);
    assert.equal(matchConditionsPass(h("object.metadata.name == 'b'"), vars), false);
    assert.equal(matchConditionsPass(h('object.nope.x', 'false'), vars), false);
    assert.match(String(matchConditionsPass(h('object.nope.x'), vars)), /^failed to evaluate match condition 'c0': /);
  });
});

describe('AdmissionReview responses', () => {
  const ok = (response: Record<string, unknown>) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', ...response } });
  test('checked as upstream', () => {
    assert.equal(verifyAdmissionResponse({}, 'u', 'v1', false), 'webhook response was absent');
    assert.equal(verifyAdmissionResponse(ok({ uid: 'other', allowed: true }), 'u', 'v1', false), 'expected response.uid="u", got "other"');
    assert.equal(verifyAdmissionResponse({ ...ok({ allowed: true }), apiVersion: 'admission.k8s.io/v1beta1' }, 'u', 'v1', false), 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, Kind=AdmissionReview');
    assert.equal(verifyAdmissionResponse(ok({ allowed: true, patchType: 'JSONPatch', patch: 'W10=' }), 'u', 'v1', false), 'validating webhook may not return response.patchType');
    assert.equal(verifyAdmissionResponse(ok({ allowed: true, patch: 'W10=' }), 'u', 'v1', true), 'mutating webhook returned response.patch but not response.patchType');
    const r = verifyAdmissionResponse(ok({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from('[]').toString('base64'), warnings: ['w'] }), 'u', 'v1', true);
    assert.ok(typeof r !== 'string');
    assert.equal(r.patch!.toString(), '[]');
    assert.deepEqual(r.warnings, ['w']);
  });
});
