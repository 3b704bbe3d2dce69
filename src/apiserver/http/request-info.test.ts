// Request info as upstream's RequestInfoFactory yields it: what authorization will be asked about.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRequestInfo, type RequestInfo } from './request-info.js';

const nsSubresources = new Set(['status', 'finalize']);
const info = (method: string, path: string, query = ''): RequestInfo => parseRequestInfo(method, path, new URLSearchParams(query), (p) => nsSubresources.has(p));

describe('request info', () => {
  test('a service proxy path: resource services, the whole id as name, subresource proxy, the path below it', () => {
    assert.deepEqual(info('GET', '/api/v1/namespaces/default/services/https:name:port/proxy/a/b'), {
      kind: 'resource',
      group: '',
      version: 'v1',
      namespace: 'default',
      resource: 'services',
      name: 'https:name:port',
      subresource: 'proxy',
      subpath: '/a/b',
      verb: 'get',
    });
  });

  test('the proxy verbs follow the method, as for any named object', () => {
    const verbs = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => {
      const i = info(m, '/api/v1/namespaces/default/pods/apache:80/proxy/x');
      assert.equal(i.kind, 'resource');
      return i.kind === 'resource' ? i.verb : undefined;
    });
    // Upstream gives OPTIONS no verb at all.
    assert.deepEqual(verbs, ['get', 'get', 'create', 'update', 'patch', 'delete', '']);
  });

  test('the path below the subresource: absent, a bare slash, a trailing slash kept, encoding kept', () => {
    const sub = (path: string) => {
      const i = info('GET', path);
      return i.kind === 'resource' ? [i.name, i.subresource, i.subpath] : undefined;
    };
    assert.deepEqual(sub('/api/v1/namespaces/default/services/nginx-service:8000/proxy'), ['nginx-service:8000', 'proxy', undefined]);
    assert.deepEqual(sub('/api/v1/namespaces/default/services/nginx-service:8000/proxy/'), ['nginx-service:8000', 'proxy', '/']);
    assert.deepEqual(sub('/api/v1/namespaces/kube-system/services/https:kubernetes-dashboard:/proxy/'), ['https:kubernetes-dashboard:', 'proxy', '/']);
    assert.deepEqual(sub('/api/v1/namespaces/default/pods/apache/proxy/dir/'), ['apache', 'proxy', '/dir/']);
    assert.deepEqual(sub('/api/v1/namespaces/default/pods/apache/proxy/a%2Fb/c%20d'), ['apache', 'proxy', '/a%2Fb/c%20d']);
  });

  test('nodes/proxy is cluster-scoped', () => {
    const i = info('POST', '/api/v1/nodes/node-1:10250/proxy/stats/summary');
    assert.deepEqual(i, { kind: 'resource', group: '', version: 'v1', namespace: undefined, resource: 'nodes', name: 'node-1:10250', subresource: 'proxy', subpath: '/stats/summary', verb: 'create' });
  });

  test('the other verbs and scopes are as before', () => {
    const short = (method: string, path: string, query?: string) => {
      const i = info(method, path, query);
      return i.kind === 'resource' ? [i.verb, i.namespace, i.resource, i.name, i.subresource] : i.kind;
    };
    assert.deepEqual(short('GET', '/api/v1/pods'), ['list', undefined, 'pods', undefined, undefined]);
    assert.deepEqual(short('GET', '/api/v1/namespaces/a/pods', 'watch=true'), ['watch', 'a', 'pods', undefined, undefined]);
    assert.deepEqual(short('DELETE', '/apis/apps/v1/namespaces/a/deployments'), ['deletecollection', 'a', 'deployments', undefined, undefined]);
    assert.deepEqual(short('PUT', '/api/v1/namespaces/a/finalize'), ['update', undefined, 'namespaces', 'a', 'finalize']);
    assert.deepEqual(short('GET', '/api/v1/namespaces/a/pods/p/status/'), ['get', 'a', 'pods', 'p', 'status']);
    assert.equal(short('GET', '/api'), 'other');
    assert.equal(short('GET', '/apis/apps'), 'other');
  });
});
