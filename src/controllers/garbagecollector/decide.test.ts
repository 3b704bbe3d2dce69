import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocksOwner, decideDependent, type ClassifiedOwner } from './decide.js';

const ref = (uid: string, block?: boolean) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, blockOwnerDeletion: block });
const owner = (uid: string, state: ClassifiedOwner['state']): ClassifiedOwner => ({ ref: ref(uid), state });

describe('garbage collector decisions', () => {
  it('leaves objects without owners or with only live owners alone', () => {
    assert.deepEqual(decideDependent([]), { kind: 'none' });
    assert.deepEqual(decideDependent([owner('a', 'solid')]), { kind: 'none' });
  });
  it('drops references to gone owners while another owner lives', () => {
    assert.deepEqual(decideDependent([owner('a', 'solid'), owner('b', 'dangling'), owner('c', 'waitingForDependentsDeletion')]), { kind: 'removeReferences', uids: ['b', 'c'] });
  });
  it('deletes in the background once every owner is gone', () => {
    assert.deepEqual(decideDependent([owner('a', 'dangling'), owner('b', 'dangling')]), { kind: 'delete', propagationPolicy: 'Background' });
  });
  it('honours the dependent\'s own orphan or foreground finalizer', () => {
    assert.deepEqual(decideDependent([owner('a', 'dangling')], ['orphan']), { kind: 'delete', propagationPolicy: 'Orphan' });
    assert.deepEqual(decideDependent([owner('a', 'dangling')], ['foregroundDeletion']), { kind: 'delete', propagationPolicy: 'Foreground' });
  });
  it('deletes in the foreground under a foreground owner only when it has dependents itself', () => {
    assert.deepEqual(decideDependent([owner('a', 'waitingForDependentsDeletion')], [], true), { kind: 'delete', propagationPolicy: 'Foreground' });
    assert.deepEqual(decideDependent([owner('a', 'waitingForDependentsDeletion')], [], false), { kind: 'delete', propagationPolicy: 'Background' });
  });
  it('counts only references with blockOwnerDeletion as blocking', () => {
    assert.equal(blocksOwner('a', [ref('a', true)]), true);
    assert.equal(blocksOwner('a', [ref('a', false), ref('b', true)]), false);
    assert.equal(blocksOwner('a', undefined), false);
  });
});
