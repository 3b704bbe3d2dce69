import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerdConfig, tomlString } from './config.js';

/** A TOML reader for the flat shape containerd's files have: [section] headers and key = value lines. */
function readTomlish(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>([['', new Map()]]);
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      if (!out.has(section)) out.set(section, new Map());
      continue;
    }
    const kv = /^([A-Za-z0-9_]+|"[^"]+")\s*=\s*(.+)$/.exec(line);
    assert.ok(kv, `not a TOML line: ${line}`);
    out.get(section)!.set(kv[1]!, kv[2]!);
  }
  return out;
}

const CRI = 'plugins."io.containerd.grpc.v1.cri"';

function sample(dir: string, extra: { registryConfigDir?: string; snapshotter?: string } = {}): string {
  return containerdConfig({
    dataDir: dir,
    socket: join(dir, 'containerd.sock'),
    sandboxImage: 'k8ts.io/pause:3.10',
    cniBinDir: '/usr/lib/cni',
    cniConfDir: join(dir, 'cni', 'net.d'),
    ...extra,
  });
}

test('config: every key k8ts relies on, in its section', () => {
  const dir = '/var/lib/k8ts "x"';
  const t = readTomlish(sample(dir, { registryConfigDir: '/r' }));
  assert.equal(t.get('')!.get('version'), '2');
  assert.equal(t.get('')!.get('root'), tomlString(`${dir}/containerd/root`));
  assert.equal(t.get('')!.get('state'), tomlString(`${dir}/containerd/state`));
  assert.match(t.get('')!.get('disabled_plugins')!, /"io\.containerd\.snapshotter\.v1\.devmapper"/);
  assert.equal(t.get('grpc')!.get('address'), tomlString(`${dir}/containerd.sock`));
  const cri = t.get(CRI)!;
  assert.equal(cri.get('sandbox_image'), '"k8ts.io/pause:3.10"');
  assert.equal(cri.get('enable_selinux'), 'false');
  assert.equal(cri.get('stream_server_address'), '"127.0.0.1"');
  assert.equal(cri.get('stream_server_port'), '"0"');
  assert.equal(t.get(`${CRI}.containerd`)!.get('snapshotter'), '"overlayfs"');
  assert.equal(t.get(`${CRI}.containerd.runtimes.runc`)!.get('runtime_type'), '"io.containerd.runc.v2"');
  assert.equal(t.get(`${CRI}.containerd.runtimes.runc.options`)!.get('SystemdCgroup'), 'false');
  const cni = t.get(`${CRI}.cni`)!;
  assert.equal(cni.get('bin_dir'), '"/usr/lib/cni"');
  assert.equal(cni.get('conf_dir'), tomlString(`${dir}/cni/net.d`));
  assert.equal(cni.get('max_conf_num'), '1');
  assert.equal(t.get(`${CRI}.registry`)!.get('config_path'), '"/r"');
});

test('config: no registry section without a registry dir; a chosen snapshotter is never disabled', () => {
  const t = readTomlish(sample('/d', { snapshotter: 'devmapper' }));
  assert.equal(t.has(`${CRI}.registry`), false);
  assert.equal(t.get(`${CRI}.containerd`)!.get('snapshotter'), '"devmapper"');
  assert.doesNotMatch(t.get('')!.get('disabled_plugins')!, /devmapper/);
  assert.match(t.get('')!.get('disabled_plugins')!, /aufs/);
});

test('config: TOML strings escape quotes, backslashes and control characters', () => {
  assert.equal(tomlString('a"b\\c\n\x7f'), '"a\\"b\\\\c\\n\\u007f"');
});

test('config: containerd 1.6 reads it as written (containerd config dump)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-ctdcfg-'));
  try {
    const file = join(dir, 'config.toml');
    await writeFile(file, sample(dir, { registryConfigDir: join(dir, 'certs.d') }));
    const { stdout } = await promisify(execFile)('containerd', ['--config', file, 'config', 'dump'], { encoding: 'utf8' });
    const dump = readTomlish(stdout);
    assert.equal(dump.get('')!.get('root'), tomlString(join(dir, 'containerd', 'root')));
    assert.equal(dump.get(CRI)!.get('sandbox_image'), '"k8ts.io/pause:3.10"');
    assert.equal(dump.get(CRI)!.get('stream_server_port'), '"0"');
    assert.equal(dump.get(`${CRI}.cni`)!.get('max_conf_num'), '1');
    assert.equal(dump.get(`${CRI}.cni`)!.get('conf_dir'), tomlString(join(dir, 'cni', 'net.d')));
    assert.equal(dump.get(`${CRI}.containerd.runtimes.runc.options`)!.get('SystemdCgroup'), 'false');
    assert.equal(dump.get(`${CRI}.registry`)!.get('config_path'), tomlString(join(dir, 'certs.d')));
    assert.equal(dump.get('plugins."io.containerd.internal.v1.opt"')!.get('path'), tomlString(join(dir, 'containerd', 'opt')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
