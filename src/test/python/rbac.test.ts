// The official Python client against an RBAC-mode cluster: a `view` user's allowed and
// forbidden calls.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, runProcess, startTestCluster, type TestCluster } from '../harness.js';

const PYTHON = process.env['K8TS_PYTHON'] ?? '/usr/bin/python3';

describe('python kubernetes client under RBAC', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ authorizationMode: 'RBAC', tokenAuthFile: 'viewer-token,viewer,uid-viewer\n' });
    assert.equal((await c.kubectl(['create', 'rolebinding', 'viewer-view', '--clusterrole=view', '--user=viewer', '-n', 'default'])).code, 0);
    await eventually(async () => (await c.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'default', '--as', 'viewer'])).stdout.trim() === 'yes', 15_000);
  });
  after(() => c?.stop());

  it('lists pods as a viewer and is refused creating one', async () => {
    const ca = c.file('ca.crt', c.cp.caPem);
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'rbac_check.py'), c.cp.url, ca, 'viewer-token']);
    assert.equal(r.code, 0, `python rbac check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /all ok/);
  });
});
