import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostsToml, imageRegistryHost, loadRegistries, parseRegistries, registryAuth, registryWarnings, writeRegistryHosts } from './registries.js';

const SAMPLE = `
mirrors:
  docker.io:
    endpoint:
      - "http://127.0.0.1:5000"
      - "https://mirror.example.com:8443/v2"
  "registry.local:5000":
    endpoint: ["registry.local:5000"]
    rewrite:
      "^library/(.*)": "mirrored/$1"
configs:
  "mirror.example.com:8443":
    auth:
      username: alice
      password: s3cret
    tls:
      ca_file: /etc/k8ts/ca.crt
      cert_file: /etc/k8ts/client.crt
      key_file: /etc/k8ts/client.key
  "registry.local:5000":
    tls:
      insecure_skip_verify: true
  quay.io:
    auth:
      auth: YWxpY2U6czNjcmV0
`;

test('registries: k3s registries.yaml parses into mirrors and configs', () => {
  const c = parseRegistries(SAMPLE);
  assert.deepEqual(c.mirrors['docker.io']!.endpoint, ['http://127.0.0.1:5000', 'https://mirror.example.com:8443/v2']);
  assert.deepEqual(c.mirrors['registry.local:5000']!.endpoint, ['https://registry.local:5000']);
  assert.deepEqual(c.configs['mirror.example.com:8443']!.tls, { caFile: '/etc/k8ts/ca.crt', certFile: '/etc/k8ts/client.crt', keyFile: '/etc/k8ts/client.key', insecureSkipVerify: undefined });
  assert.deepEqual(registryWarnings(c), ['registries.yaml: mirrors.registry.local:5000.rewrite is not supported by containerd 1.6 and is ignored']);
  assert.deepEqual(parseRegistries(''), { mirrors: {}, configs: {} });
});

test('registries: hosts.toml per host, with mirrors in order and TLS where it belongs', async () => {
  const c = parseRegistries(SAMPLE);
  const docker = hostsToml('docker.io', c);
  assert.match(docker, /^server = "https:\/\/registry-1\.docker\.io"$/m);
  const first = docker.indexOf('[host."http://127.0.0.1:5000"]');
  const second = docker.indexOf('[host."https://mirror.example.com:8443/v2"]');
  assert.ok(first > 0 && second > first, docker);
  assert.equal(docker.match(/capabilities = \["pull", "resolve"\]/g)?.length, 2);
  assert.match(docker.slice(second), /ca = "\/etc\/k8ts\/ca\.crt"\n {2}client = \[\["\/etc\/k8ts\/client\.crt", "\/etc\/k8ts\/client\.key"\]\]/);
  assert.doesNotMatch(docker, /s3cret|alice/, 'credentials never go to hosts.toml');

  const dir = await mkdtemp(join(tmpdir(), 'k8ts-reg-'));
  try {
    await mkdir(join(dir, 'stale.example.com'));
    await writeFile(join(dir, 'stale.example.com', 'hosts.toml'), 'server = "x"');
    const hosts = await writeRegistryHosts(dir, c);
    // A registry with TLS settings and no mirror gets its own file, for pulls straight from it.
    assert.deepEqual(hosts, ['docker.io', 'mirror.example.com:8443', 'registry.local:5000']);
    assert.deepEqual((await readdir(dir)).sort(), hosts);
    const own = await readFile(join(dir, 'mirror.example.com:8443', 'hosts.toml'), 'utf8');
    assert.match(own, /^server = "https:\/\/mirror\.example\.com:8443"\nca = "\/etc\/k8ts\/ca\.crt"$/m);
    // containerd 1.6 ignores a hosts.toml without a [host] table: the registry is its own host entry.
    assert.match(own, /\[host\."https:\/\/mirror\.example\.com:8443"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}ca = "\/etc\/k8ts\/ca\.crt"/);
    assert.equal(await readFile(join(dir, 'docker.io', 'hosts.toml'), 'utf8'), docker);
    const local = await readFile(join(dir, 'registry.local:5000', 'hosts.toml'), 'utf8');
    assert.match(local, /^server = "https:\/\/registry\.local:5000"\nskip_verify = true$/m);
    assert.match(local, /\[host\."https:\/\/registry\.local:5000"\]\n {2}capabilities = \["pull", "resolve"\]\n {2}skip_verify = true/);
    // A wildcard mirror is containerd's _default directory.
    await writeRegistryHosts(dir, parseRegistries('mirrors:\n  "*":\n    endpoint: ["http://127.0.0.1:5001"]\n'));
    assert.deepEqual(await readdir(dir), ['_default']);
    assert.doesNotMatch(await readFile(join(dir, '_default', 'hosts.toml'), 'utf8'), /^server/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('registries: credentials for a pull come from the first mirror that has some, else the registry', () => {
  const c = parseRegistries(SAMPLE);
  assert.deepEqual(registryAuth(c, 'busybox'), { serverAddress: 'https://mirror.example.com:8443', username: 'alice', password: 's3cret' });
  assert.deepEqual(registryAuth(c, 'quay.io/org/app:1'), { serverAddress: 'https://quay.io', auth: 'YWxpY2U6czNjcmV0' });
  assert.equal(registryAuth(c, 'registry.local:5000/app'), undefined);
  // docker.io's credentials are for the host containerd contacts for it.
  assert.equal(registryAuth(parseRegistries('configs:\n  docker.io:\n    auth: { username: a, password: b }\n'), 'busybox')?.serverAddress, 'https://registry-1.docker.io');
  assert.equal(imageRegistryHost('nginx'), 'docker.io');
  assert.equal(imageRegistryHost('library/nginx:1'), 'docker.io');
  assert.equal(imageRegistryHost('localhost/app'), 'localhost');
  assert.equal(imageRegistryHost('127.0.0.1:5000/app@sha256:abc'), '127.0.0.1:5000');
});

test('registries: a bad file is a one-line error naming the place', async () => {
  const bad: [string, RegExp][] = [
    ['mirrors: [1, 2]', /mirrors: want a mapping/],
    ['mirrors:\n  docker.io:\n    endpoint: "http://x"', /mirrors\.docker\.io\.endpoint: want a list/],
    ['mirrors:\n  docker.io:\n    endpoint: ["ftp://x"]', /must be http or https/],
    ['mirrors:\n  "../etc":\n    endpoint: []', /is not a registry host/],
    ['configs:\n  r.io:\n    tls:\n      cert_file: /a', /cert_file and key_file go together/],
    ['configs:\n  r.io:\n    auth:\n      pasword: x', /unknown field "pasword"/],
    ['configs:\n  r.io:\n    tls:\n      insecure_skip_verify: "yes"', /want true or false/],
    ['mirrors: {a: [', /registries\.yaml: /],
    ['- just a list', /want a mapping with mirrors and configs/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseRegistries(text), (err: Error) => re.test(err.message) && !err.message.includes('\n'), text);
  }
  await assert.rejects(loadRegistries('/nonexistent/registries.yaml'), /cannot read \/nonexistent\/registries\.yaml: ENOENT/);
});
