import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiServerLoadBalancer, serversOf } from './apiserver-lb.js';

/** A TCP server that says its name to each connection. */
async function named(name: string): Promise<{ server: Server; addr: string }> {
  const server = createServer((s) => s.end(name));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, addr: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function ask(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) });
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

describe('the agent\'s apiserver load balancer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-lb-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('passes connections to a server that accepts them, moves on when one goes, and keeps the list', async () => {
    const a = await named('a');
    const b = await named('b');
    const state = join(dir, 'lb.json');
    const lb = new ApiServerLoadBalancer({ defaultServer: b.addr, stateFile: state });
    const url = await lb.start();
    try {
      assert.equal(await ask(url), 'b');
      lb.setServers([a.addr, b.addr]);
      assert.deepEqual(JSON.parse(readFileSync(state, 'utf8')).servers, [a.addr, b.addr]);
      assert.equal(await ask(url), 'b', 'the server in use stays in use while it answers');
      await new Promise<void>((r) => b.server.close(() => r()));
      assert.equal(await ask(url), 'a', 'a refused connection goes to the next server');
      assert.equal(await ask(url), 'a');
      // A restarted agent starts from the kept list, the server it joined last.
      const again = new ApiServerLoadBalancer({ defaultServer: b.addr, stateFile: state });
      assert.deepEqual(again.serverList, [a.addr, b.addr]);
      await lb.stop();
      // ...on the same port (the node's credentials name the balancer's URL).
      assert.equal(await again.start(), url);
      assert.equal(await ask(url), 'a');
      await again.stop();
    } finally {
      await lb.stop();
      a.server.close();
    }
  });

  it('reads the servers from the kubernetes Endpoints', () => {
    assert.deepEqual(serversOf({ subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports: [{ name: 'https', port: 6443 }] }] }), ['10.0.0.1:6443', '[fd00::1]:6443']);
    assert.deepEqual(serversOf(undefined), []);
  });
});
