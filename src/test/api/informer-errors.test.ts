// An informer whose credential may not list its resource never syncs; it says why (once, not at
// every retry), as client-go's reflector logs "failed to list", instead of leaving its owner to
// wait in silence.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Informer } from '../../client/informer.js';
import { R } from '../../client/resources.js';
import { RestClient } from '../../client/rest.js';
import { eventually, startTestCluster, type TestCluster } from '../harness.js';

describe('an informer that may not list', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ tokenAuthFile: 'nobody-token,nobody,uid-9,"some-group"\n' });
  });
  after(() => c?.stop());

  it('reports the 403 once while it retries', async () => {
    const lines: string[] = [];
    const client = new RestClient({ server: c.cp.url, caPem: c.cp.caPem, token: 'nobody-token' }, 'test');
    const informer = new Informer(client, R.secrets, { log: (l) => lines.push(l) });
    informer.start();
    try {
      await eventually(() => lines.length > 0, 10_000, 50);
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0]!, /^informer \/api\/v1\/secrets: failed to list or watch \(retrying every second\): .*secrets is forbidden: User "nobody" cannot list resource "secrets"/);
      assert.equal(informer.hasSynced(), false);
    } finally {
      informer.stop();
      client.close();
    }
  });
});
