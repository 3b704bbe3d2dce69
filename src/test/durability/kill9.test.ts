// kill -9 of `k8ts server` during 1,000 concurrent writes loses no acknowledged write and leaves
// no partial object (issue 12, acceptance 5). The datastores: the default sqlite in the data dir,
// and the embedded etcd of --cluster-init (killed with its server, as k3s's etcd dies with k3s,
// and restarted from its own state); K8TS_DURABILITY_DATASTORE_ENDPOINT (e.g. an external
// http://127.0.0.1:2379) runs the same check on that endpoint as well.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killNineCheck } from './kill9-checker.js';
import { killServer, type ServerProcess } from './server-process.js';
import { freePort } from '../../storage/etcd/testing/etcd-server.js';

const datastores: { name: string; args: () => Promise<string[]> }[] = [
  { name: 'sqlite in the data dir', args: async () => [] },
  // Loopback only (the server binds 127.0.0.1), on ports free for this run.
  { name: 'embedded etcd (--cluster-init)', args: async () => ['--cluster-init', '--etcd-client-port', String(await freePort()), '--etcd-peer-port', String(await freePort())] },
];
const endpoint = process.env['K8TS_DURABILITY_DATASTORE_ENDPOINT'];
if (endpoint) datastores.push({ name: endpoint, args: async () => ['--datastore-endpoint', endpoint] });

describe('kill -9 of the server during 1,000 concurrent writes', () => {
  const servers: ServerProcess[] = [];
  const dirs: string[] = [];
  // However a test ends, no server outlives it and no data dir stays behind.
  after(async () => {
    for (const s of servers) await killServer(s);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const store of datastores) {
    // Early and late in the run: most writes still to come, and most of them already answered.
    for (const killAfterAcks of [250, 750]) {
      it(`${store.name}: killed after ${killAfterAcks} acknowledgements, every acknowledged write is there and nothing is partial`, async (t) => {
        const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-kill9-'));
        dirs.push(dataDir);
        const report = await killNineCheck({ dataDir, datastoreArgs: await store.args(), clients: 50, creates: 1000, killAfterAcks, track: (s) => servers.push(s) });
        t.diagnostic(JSON.stringify(report));
      });
    }
  }

  it('the checker fails a datastore that keeps nothing across the kill (memory://)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-kill9-'));
    dirs.push(dataDir);
    await assert.rejects(
      killNineCheck({ dataDir, datastoreArgs: ['--datastore-endpoint', 'memory://'], clients: 20, creates: 200, killAfterAcks: 100, track: (s) => servers.push(s) }),
      /lost|behind the newest acknowledged write/,
    );
  });
});
