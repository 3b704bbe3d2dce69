// The official Python client (Debian python3-kubernetes) against k8ts.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess, startTestCluster, type TestCluster } from '../harness.js';

// Debian's interpreter: python3-kubernetes is installed for it, not for other pythons on PATH.
const PYTHON = process.env['K8TS_PYTHON'] ?? '/usr/bin/python3';

describe('python kubernetes client', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ store: 'sqlite' });
  });
  after(() => c?.stop());

  it('lists, creates, patches, watches and deletes', async () => {
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'client_check.py'), c.kubeconfig]);
    assert.equal(r.code, 0, `python client check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /all ok/);
  });

  it('sees admission refusals and quota status', async () => {
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'admission_check.py'), c.kubeconfig]);
    assert.equal(r.code, 0, `python admission check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /all ok/);
  });

  it('creates and reads ValidatingAdmissionPolicies and is refused by one', async () => {
    const r = await runProcess(PYTHON, [join(process.cwd(), 'test', 'python', 'vap_check.py'), c.kubeconfig]);
    assert.equal(r.code, 0, `python VAP check failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /all ok/);
  });
});
