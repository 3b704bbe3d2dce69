// Rule matching as upstream's rbac authorizer tests read it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PolicyRule } from '../../api/rbac/v1/types.js';
import { nonResourceAttributes, type Attributes } from './attributes.js';
import { ruleAllows } from './rules.js';

const user = { name: 'u', groups: [] };

function res(verb: string, apiGroup: string, resource: string, o: Partial<Attributes> = {}): Attributes {
  return { user, verb, resourceRequest: true, path: '', namespace: 'ns', apiGroup, apiVersion: 'v1', resource, subresource: '', name: '', ...o };
}

describe('rule matching', () => {
  it('matches verbs, groups and resources, with * in each', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    assert.ok(ruleAllows(res('get', '', 'pods'), rule));
    assert.ok(!ruleAllows(res('create', '', 'pods'), rule));
    assert.ok(!ruleAllows(res('get', 'apps', 'pods'), rule));
    assert.ok(!ruleAllows(res('get', '', 'secrets'), rule));
    const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    assert.ok(ruleAllows(res('deletecollection', 'apps', 'deployments'), all));
    assert.ok(ruleAllows(res('get', '', 'pods', { subresource: 'log' }), all));
  });

  it('names a subresource as resource/sub, or */sub for every resource', () => {
    assert.ok(!ruleAllows(res('get', '', 'pods', { subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['pods'] }));
    assert.ok(ruleAllows(res('get', '', 'pods', { subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }));
    assert.ok(ruleAllows(res('update', 'apps', 'deployments', { subresource: 'scale' }), { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }));
    assert.ok(!ruleAllows(res('update', 'apps', 'deployments'), { verbs: ['update'], apiGroups: ['apps'], resources: ['*/scale'] }));
    assert.ok(!ruleAllows(res('get', '', 'pods', { subresource: 'log' }), { verbs: ['get'], apiGroups: [''], resources: ['pods/exec'] }));
  });

  it('limits names with resourceNames (a list has no name, so is not allowed)', () => {
    const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'] };
    assert.ok(ruleAllows(res('get', '', 'configmaps', { name: 'cfg' }), rule));
    assert.ok(!ruleAllows(res('get', '', 'configmaps', { name: 'other' }), rule));
    assert.ok(!ruleAllows(res('list', '', 'configmaps'), rule));
  });

  it('matches nonResourceURLs exactly, by * prefix, and never against resource requests', () => {
    const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    assert.ok(ruleAllows(nonResourceAttributes(user, 'get', '/healthz'), rule));
    assert.ok(!ruleAllows(nonResourceAttributes(user, 'get', '/healthz/etcd'), rule));
    assert.ok(ruleAllows(nonResourceAttributes(user, 'get', '/apis/apps/v1'), rule));
    assert.ok(!ruleAllows(nonResourceAttributes(user, 'post', '/healthz'), rule));
    assert.ok(ruleAllows(nonResourceAttributes(user, 'delete', '/anything'), { verbs: ['*'], nonResourceURLs: ['*'] }));
    assert.ok(!ruleAllows(res('get', '', 'pods'), { verbs: ['*'], nonResourceURLs: ['*'] }));
    assert.ok(!ruleAllows(nonResourceAttributes(user, 'get', '/healthz'), { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }));
  });
});
