// Which volume a claim gets: upstream's index_test.go cases for FindMatchingVolume and the
// access-mode search (smallest fit, class and empty-class rules, volume mode, selector,
// pre-binding, late binding, deleted and not-Available volumes passed over).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessMode, PersistentVolume, PersistentVolumeClaim } from './types.js';
import { accessModesKey, findBestMatchForClaim, findMatchingVolume } from './volume-matching.js';

function pv(name: string, size: string, extra: Partial<PersistentVolume['spec']> = {}, meta: Partial<PersistentVolume['metadata']> = {}, phase = 'Available'): PersistentVolume {
  return {
    metadata: { name, uid: `uid-${name}`, ...meta },
    spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', ...extra },
    status: { phase },
  };
}

function pvc(size: string, extra: Partial<NonNullable<PersistentVolumeClaim['spec']>> = {}, meta: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim {
  return {
    metadata: { name: 'claim', namespace: 'ns', uid: 'uid-claim', ...meta },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, volumeMode: 'Filesystem', ...extra },
  };
}

const names = (v: PersistentVolume | undefined) => v?.metadata.name;
const IMMEDIATE = { delayBinding: false };

function grouped(volumes: PersistentVolume[]): Map<string, PersistentVolume[]> {
  const m = new Map<string, PersistentVolume[]>();
  for (const v of volumes) {
    const k = accessModesKey(v.spec?.accessModes);
    m.set(k, [...(m.get(k) ?? []), v]);
  }
  return m;
}

describe('findMatchingVolume', () => {
  it('takes the smallest volume that fits, comparing quantities not strings', () => {
    const vols = [pv('big', '10Gi'), pv('small', '500Mi'), pv('fits', '1Gi'), pv('mid', '2G')];
    assert.equal(names(findMatchingVolume(pvc('1Gi'), vols, IMMEDIATE)), 'fits');
    assert.equal(names(findMatchingVolume(pvc('1.5Gi'), vols, IMMEDIATE)), 'mid');
    assert.equal(findMatchingVolume(pvc('20Gi'), vols, IMMEDIATE), undefined);
  });

  it('matches classes exactly: a claim with no class gets only class-less volumes, and the beta annotation wins over the field', () => {
    const vols = [pv('fast', '1Gi', { storageClassName: 'fast' }), pv('none', '5Gi')];
    assert.equal(names(findMatchingVolume(pvc('1Gi'), vols, IMMEDIATE)), 'none');
    assert.equal(names(findMatchingVolume(pvc('1Gi', { storageClassName: '' }), vols, IMMEDIATE)), 'none');
    assert.equal(names(findMatchingVolume(pvc('1Gi', { storageClassName: 'fast' }), vols, IMMEDIATE)), 'fast');
    assert.equal(findMatchingVolume(pvc('1Gi', { storageClassName: 'slow' }), vols, IMMEDIATE), undefined);
    const annotated = pvc('1Gi', { storageClassName: 'slow' }, { annotations: { 'volume.beta.kubernetes.io/storage-class': 'fast' } });
    assert.equal(names(findMatchingVolume(annotated, vols, IMMEDIATE)), 'fast');
  });

  it('keeps Block and Filesystem apart, an unset mode being Filesystem', () => {
    const vols = [pv('block', '1Gi', { volumeMode: 'Block' }), pv('fs', '2Gi', { volumeMode: undefined })];
    assert.equal(names(findMatchingVolume(pvc('1Gi', { volumeMode: 'Block' }), vols, IMMEDIATE)), 'block');
    assert.equal(names(findMatchingVolume(pvc('1Gi', { volumeMode: undefined }), vols, IMMEDIATE)), 'fs');
  });

  it('applies the selector (matchLabels and matchExpressions)', () => {
    const vols = [pv('a', '1Gi', {}, { labels: { tier: 'gold', zone: 'x' } }), pv('b', '1Gi', {}, { labels: { tier: 'silver' } })];
    assert.equal(names(findMatchingVolume(pvc('1Gi', { selector: { matchLabels: { tier: 'silver' } } }), vols, IMMEDIATE)), 'b');
    const expr = pvc('1Gi', { selector: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } });
    assert.equal(names(findMatchingVolume(expr, vols, IMMEDIATE)), 'a');
    assert.equal(findMatchingVolume(pvc('1Gi', { selector: { matchLabels: { tier: 'bronze' } } }), vols, IMMEDIATE), undefined);
  });

  it('passes over volumes claimed by others, not Available, or being deleted', () => {
    const vols = [
      pv('taken', '1Gi', { claimRef: { namespace: 'ns', name: 'other', uid: 'x' } }),
      pv('pending', '1Gi', {}, {}, 'Pending'),
      pv('released', '1Gi', {}, {}, 'Released'),
      pv('dying', '1Gi', {}, { deletionTimestamp: '2025-01-01T00:00:00Z' }),
    ];
    assert.equal(findMatchingVolume(pvc('1Gi'), vols, IMMEDIATE), undefined);
    assert.equal(names(findMatchingVolume(pvc('1Gi'), [...vols, pv('ok', '3Gi')], IMMEDIATE)), 'ok');
  });

  it('prefers a volume pre-bound to the claim (by name, or name and uid) whatever its size, phase, selector or class', () => {
    const prebound = pv('mine', '100Gi', { claimRef: { namespace: 'ns', name: 'claim' }, storageClassName: 'other' }, { labels: {} }, 'Pending');
    const vols = [pv('smaller', '1Gi'), prebound];
    assert.equal(names(findMatchingVolume(pvc('1Gi', { selector: { matchLabels: { x: 'y' } } }), vols, IMMEDIATE)), 'mine');
    const wrongUid = pv('mine', '100Gi', { claimRef: { namespace: 'ns', name: 'claim', uid: 'someone-else' } });
    assert.equal(names(findMatchingVolume(pvc('1Gi'), [pv('smaller', '1Gi'), wrongUid], IMMEDIATE)), 'smaller');
    // Too small is too small even when pre-bound.
    const tiny = pv('tiny', '1Mi', { claimRef: { namespace: 'ns', name: 'claim' } });
    assert.equal(findMatchingVolume(pvc('1Gi'), [tiny], IMMEDIATE), undefined);
  });

  it('leaves a late-binding claim to the scheduler unless a volume is pre-bound to it', () => {
    const vols = [pv('free', '1Gi')];
    assert.equal(findMatchingVolume(pvc('1Gi'), vols, { delayBinding: true }), undefined);
    const prebound = pv('pre', '1Gi', { claimRef: { namespace: 'ns', name: 'claim' } });
    assert.equal(names(findMatchingVolume(pvc('1Gi'), [...vols, prebound], { delayBinding: true })), 'pre');
    // The scheduler's path (with a node) does pick free volumes, checking affinity and access modes.
    const onNode = findMatchingVolume(pvc('1Gi'), [pv('elsewhere', '1Gi'), pv('here', '2Gi')], { delayBinding: true, nodeAffinityOk: (v) => v.metadata.name === 'here' });
    assert.equal(names(onNode), 'here');
    const rwx = findMatchingVolume(pvc('1Gi', { accessModes: ['ReadWriteMany'] }), [pv('rwo', '1Gi')], { delayBinding: true, nodeAffinityOk: () => true });
    assert.equal(rwx, undefined);
  });
});

describe('findBestMatchForClaim (access-mode index)', () => {
  const modes = (...m: AccessMode[]) => ({ accessModes: m });
  it('tries the access-mode sets holding every requested mode, fewest modes first', () => {
    const vols = grouped([pv('rwo-rox-big', '1Gi', modes('ReadWriteOnce', 'ReadOnlyMany')), pv('rwo', '10Gi', modes('ReadWriteOnce')), pv('rwx', '1Gi', modes('ReadWriteMany'))]);
    // Exactly RWO is preferred although larger: the RWO+ROX group is tried only when RWO has nothing.
    assert.equal(names(findBestMatchForClaim(pvc('1Gi'), vols, false)), 'rwo');
    assert.equal(names(findBestMatchForClaim(pvc('20Gi'), vols, false)), undefined);
    assert.equal(names(findBestMatchForClaim(pvc('1Gi', { accessModes: ['ReadOnlyMany'] }), vols, false)), 'rwo-rox-big');
    assert.equal(names(findBestMatchForClaim(pvc('1Gi', { accessModes: ['ReadWriteOnce', 'ReadWriteMany'] }), vols, false)), undefined);
  });
});
