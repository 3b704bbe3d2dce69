// persistentVolumeClaimRetentionPolicy as owner references: upstream's TestIsClaimOwnerUpToDate
// and TestUpdateClaimOwnerRefForSetAndPod cases, for each of the four policies, in range and
// scaled down, with stale references and a foreign controller.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatefulSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { PersistentVolumeClaim } from '../../api/core/v1/types.js';
import type { OwnerReference } from '../../api/meta/types.js';
import { claimOwnerRefs, hasUnexpectedController, isClaimOwnerUpToDate, podInOrdinalRange } from './claim-retention.js';

type Policy = 'Retain' | 'Delete';
const set = (whenDeleted: Policy, whenScaled: Policy, replicas = 3): StatefulSet => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: {}, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } },
}) as StatefulSet;
const pod: Pod = { metadata: { name: 'web-1', namespace: 'ns', uid: 'pod-uid' }, spec: { containers: [] } };
const claim = (...refs: OwnerReference[]): PersistentVolumeClaim => ({ metadata: { name: 'data-web-1', namespace: 'ns', ...(refs.length ? { ownerReferences: refs } : {}) } });
const setRef: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
const podRef: OwnerReference = { apiVersion: 'v1', kind: 'Pod', name: 'web-1', uid: 'pod-uid', controller: true, blockOwnerDeletion: true };
const owners = (refs: OwnerReference[]) => refs.map((r) => `${r.kind}/${r.name}${r.controller ? '*' : ''}`).sort();

describe('StatefulSet claim retention', () => {
  it('sets the owners each policy asks for, in range and once scaled down', () => {
    const cases: [Policy, Policy, boolean, string[]][] = [
      ['Retain', 'Retain', false, []],
      ['Retain', 'Retain', true, []],
      ['Delete', 'Retain', false, ['StatefulSet/web*']],
      ['Delete', 'Retain', true, ['StatefulSet/web*']],
      ['Retain', 'Delete', false, []],
      ['Retain', 'Delete', true, ['Pod/web-1*']],
      ['Delete', 'Delete', false, ['StatefulSet/web*']],
      ['Delete', 'Delete', true, ['Pod/web-1*']],
    ];
    for (const [whenDeleted, whenScaled, scaledDown, want] of cases) {
      const s = set(whenDeleted, whenScaled);
      const fresh = claim();
      const refs = claimOwnerRefs(fresh, s, pod, scaledDown);
      assert.deepEqual(owners(refs), want, `${whenDeleted}/${whenScaled} scaledDown=${scaledDown}`);
      assert.equal(isClaimOwnerUpToDate(fresh, s, pod, scaledDown), want.length === 0, `fresh claim up to date? ${whenDeleted}/${whenScaled} ${scaledDown}`);
      assert.equal(isClaimOwnerUpToDate(claim(...refs), s, pod, scaledDown), true, `after update ${whenDeleted}/${whenScaled} ${scaledDown}`);
    }
  });

  it('moves a Delete/Delete claim from the set to the pod on scale-down, and drops references when the policy goes back to Retain', () => {
    const dd = set('Delete', 'Delete');
    assert.equal(isClaimOwnerUpToDate(claim(setRef), dd, pod, true), false);
    assert.deepEqual(owners(claimOwnerRefs(claim(setRef), dd, pod, true)), ['Pod/web-1*']);
    assert.deepEqual(claimOwnerRefs(claim(setRef, podRef), set('Retain', 'Retain'), pod, false), []);
  });

  it('turns a non-controller reference of ours into a controller one (claims made by older versions)', () => {
    const plain = { ...setRef, controller: undefined };
    const s = set('Delete', 'Retain');
    assert.equal(isClaimOwnerUpToDate(claim(plain), s, pod, false), false);
    assert.deepEqual(owners(claimOwnerRefs(claim(plain), s, pod, false)), ['StatefulSet/web*']);
  });

  it('leaves alone a claim with a stale reference (an older set of the same name) or another controller', () => {
    const s = set('Delete', 'Delete');
    const stale = { ...setRef, uid: 'old-set' };
    assert.equal(isClaimOwnerUpToDate(claim(stale), s, pod, false), true);
    const foreign: OwnerReference = { apiVersion: 'example.com/v1', kind: 'Thing', name: 't', uid: 'thing', controller: true };
    assert.equal(hasUnexpectedController(claim(foreign), s, pod), true);
    assert.equal(isClaimOwnerUpToDate(claim(foreign), s, pod, false), true);
    // Ours next to a foreign controller are scrubbed, the foreign one kept.
    assert.equal(isClaimOwnerUpToDate(claim(foreign, setRef), s, pod, false), false);
    assert.deepEqual(owners(claimOwnerRefs(claim(foreign, setRef), s, pod, false)), ['Thing/t*']);
    assert.equal(hasUnexpectedController(claim(foreign), set('Retain', 'Retain'), pod), false);
  });

  it('knows which ordinals are in range, start included', () => {
    const s = set('Retain', 'Retain', 2);
    assert.deepEqual([0, 1, 2].map((o) => podInOrdinalRange(o, s)), [true, true, false]);
    s.spec!.ordinals = { start: 5 };
    assert.deepEqual([4, 5, 6, 7].map((o) => podInOrdinalRange(o, s)), [false, true, true, false]);
  });
});
