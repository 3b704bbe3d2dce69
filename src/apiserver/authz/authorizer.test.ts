// The mode chain and the --authorization-mode list.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nonResourceAttributes } from './attributes.js';
import { alwaysAllow, alwaysDeny, parseAuthorizationModes, UnionAuthorizer, type Authorizer } from './authorizer.js';

const a = nonResourceAttributes({ name: 'u', groups: [] }, 'get', '/x');
const noOpinion = (reason: string): Authorizer => ({ authorize: () => ({ decision: 'no-opinion', reason }) });

describe('authorization modes', () => {
  it('asks each mode in order until one decides; no opinion from all is no opinion', () => {
    assert.equal(new UnionAuthorizer([noOpinion(''), alwaysAllow, alwaysDeny]).authorize(a).decision, 'allow');
    assert.equal(new UnionAuthorizer([noOpinion(''), alwaysDeny, alwaysAllow]).authorize(a).decision, 'deny');
    assert.deepEqual(new UnionAuthorizer([noOpinion('one'), noOpinion('two')]).authorize(a), { decision: 'no-opinion', reason: 'one\ntwo' });
  });

  it('reads the flag as kube-apiserver does', () => {
    assert.deepEqual(parseAuthorizationModes('RBAC'), ['RBAC']);
    assert.deepEqual(parseAuthorizationModes('AlwaysAllow, RBAC'), ['AlwaysAllow', 'RBAC']);
    assert.throws(() => parseAuthorizationModes(''), /at least one authorization-mode must be passed/);
    assert.deepEqual(parseAuthorizationModes('Node,RBAC'), ['Node', 'RBAC']);
    assert.throws(() => parseAuthorizationModes('Webhook'), /authorization-mode "Webhook" is not a valid mode/);
    assert.throws(() => parseAuthorizationModes('RBAC,RBAC'), /has mode specified more than once/);
  });
});
