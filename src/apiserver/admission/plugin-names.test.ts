import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ON_ADMISSION_PLUGINS, enabledAdmissionPlugins } from './plugin-names.js';

test('admission plugin flags: defaults, additions, removals, unknown and overlapping names', () => {
  assert.deepEqual([...enabledAdmissionPlugins()].sort(), [...DEFAULT_ON_ADMISSION_PLUGINS].sort());
  const set = enabledAdmissionPlugins('AlwaysPullImages, NodeRestriction', 'PodSecurity,ResourceQuota');
  assert.ok(set.has('AlwaysPullImages') && set.has('NodeRestriction') && set.has('LimitRanger'));
  assert.ok(!set.has('PodSecurity') && !set.has('ResourceQuota'));
  assert.throws(() => enabledAdmissionPlugins('Bogus'), /^Error: enable-admission-plugins plugin "Bogus" is unknown$/);
  assert.throws(() => enabledAdmissionPlugins(undefined, 'Nope'), /disable-admission-plugins plugin "Nope" is unknown/);
  assert.throws(() => enabledAdmissionPlugins('Priority', 'Priority'), /Priority in enable-admission-plugins and disable-admission-plugins overlapped/);
});
