import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CNI_CONFLIST_NAME, cniConflist, parseCidr, writeCniConfig } from './cni.js';

interface Plugin {
  type: string;
  [k: string]: unknown;
}

test('cni: the conflist is bridge + host-local with the pod CIDR, then portmap', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-'));
  try {
    const confDir = join(dir, 'cni', 'net.d');
    await writeFile(join(dir, 'placeholder'), '');
    const path = await writeCniConfig(confDir, { podCIDR: '10.244.3.0/24', bridge: 'k8tst0', mtu: 1450 });
    assert.equal(path, join(confDir, CNI_CONFLIST_NAME));
    const list = JSON.parse(await readFile(path, 'utf8')) as { cniVersion: string; name: string; plugins: Plugin[] };
    assert.equal(list.cniVersion, '1.0.0');
    assert.equal(list.name, 'k8ts');
    assert.deepEqual(list.plugins.map((p) => p.type), ['bridge', 'portmap']);
    const bridge = list.plugins[0]!;
    assert.equal(bridge['bridge'], 'k8tst0');
    assert.equal(bridge['isGateway'], true);
    assert.equal(bridge['ipMasq'], true);
    assert.equal(bridge['hairpinMode'], true);
    assert.equal(bridge['mtu'], 1450);
    assert.deepEqual(bridge['ipam'], {
      type: 'host-local',
      ranges: [[{ subnet: '10.244.3.0/24' }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: join(dir, 'cni', 'networks'),
    });
    assert.deepEqual(list.plugins[1], { type: 'portmap', capabilities: { portMappings: true }, snat: true });
    assert.equal(((await stat(path)).mode & 0o777).toString(8), '644');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cni: other network configs are removed, unrelated files and temp files are not left', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-'));
  try {
    await writeFile(join(dir, '05-old.conf'), '{}');
    await writeFile(join(dir, '99-other.conflist'), '{}');
    await writeFile(join(dir, 'x.json'), '{}');
    await writeFile(join(dir, 'README'), 'keep me');
    await writeCniConfig(dir, { podCIDR: '10.244.0.0/24', bridge: 'cni0', dataDir: '/leases' });
    assert.deepEqual((await readdir(dir)).sort(), [CNI_CONFLIST_NAME, 'README']);
    const before = await stat(join(dir, CNI_CONFLIST_NAME));
    // Same content: the file is left alone, so containerd has nothing to reload.
    await writeCniConfig(dir, { podCIDR: '10.244.0.0/24', bridge: 'cni0', dataDir: '/leases' });
    assert.equal((await stat(join(dir, CNI_CONFLIST_NAME))).ino, before.ino);
    await writeCniConfig(dir, { podCIDR: '10.244.1.0/24', bridge: 'cni0', dataDir: '/leases' });
    const list = JSON.parse(await readFile(join(dir, CNI_CONFLIST_NAME), 'utf8')) as { plugins: { ipam?: { ranges: { subnet: string }[][] } }[] };
    assert.equal(list.plugins[0]!.ipam!.ranges[0]![0]!.subnet, '10.244.1.0/24');
    assert.deepEqual((await readdir(dir)).sort(), [CNI_CONFLIST_NAME, 'README']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('cni: IPv6 pod CIDRs route ::/0; bad input is a one-line error', () => {
  const v6 = cniConflist({ podCIDR: 'fd00:10:244::/64', bridge: 'cni0', dataDir: '/x' }) as { plugins: { ipam?: { routes: unknown } }[] };
  assert.deepEqual(v6.plugins[0]!.ipam!.routes, [{ dst: '::/0' }]);
  assert.deepEqual(parseCidr('10.1.0.0/16'), { ip: '10.1.0.0', prefix: 16, family: 4 });
  assert.throws(() => parseCidr('10.1.0.0/33'), /invalid pod CIDR/);
  assert.throws(() => parseCidr('banana'), /invalid pod CIDR/);
  assert.throws(() => cniConflist({ podCIDR: '10.0.0.0/24', bridge: 'a-bridge-name-too-long', dataDir: '/x' }), /invalid bridge name/);
  assert.throws(() => cniConflist({ podCIDR: '10.0.0.0/24', bridge: 'br0', mtu: 10, dataDir: '/x' }), /invalid MTU/);
});
