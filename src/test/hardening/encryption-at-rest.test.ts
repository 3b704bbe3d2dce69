// Acceptance 5 of issue 11: Secrets encrypted at rest. The sqlite rows, read with the sqlite3
// CLI, hold no plain Secret data; a key rotation (k8ts secrets-encrypt rotate-keys, then a
// restart) re-encrypts every Secret with the new key and all stay readable, across restarts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../cluster/control-plane.js';
import { describeEncryption, generatedEncryptionConfigPath, rotateGeneratedKey } from '../../cluster/secrets-encryption.js';
import { eventually, KUBECTL, runProcess } from '../harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-enc-'));
const db = join(dataDir, 'state.db');
let cp: ControlPlane | undefined;
const logged: string[] = [];

async function start(extra: { encryptionProviderConfig?: string; secretsEncryption?: boolean }): Promise<ControlPlane> {
  cp = await startControlPlane({ disableMetricsServer: true, dataDir, port: 0, bindAddress: '127.0.0.1', disableControllers: true, disableScheduler: true, log: (l) => logged.push(l), ...extra });
  return cp;
}

async function stop(): Promise<void> {
  await cp?.stop();
  cp = undefined;
}

function kubectl(args: string[], input?: string) {
  return runProcess(KUBECTL, args, { env: { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig.yaml'), HOME: dataDir, KUBECACHEDIR: join(dataDir, 'cache') }, input });
}

/**
 * Every Secret row of the log table as the sqlite3 CLI prints it: key, then the value's bytes in
 * hex; with `latest`, only each key's newest row (history stays until compaction).
 */
async function rawSecretRows(latest = false): Promise<{ name: string; value: Buffer }[]> {
  const newest = latest ? ' AND id IN (SELECT MAX(id) FROM log GROUP BY name)' : '';
  const r = await runProcess('sqlite3', ['-readonly', '-separator', ' ', db, `SELECT name, hex(value) FROM log WHERE name LIKE '/registry/secrets/%' AND value IS NOT NULL AND deleted = 0${newest}`]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, hex] = line.split(' ');
      return { name: name!, value: Buffer.from(hex ?? '', 'hex') };
    });
}

function assertNoPlaintext(rows: { value: Buffer }[], secrets: readonly string[]): void {
  for (const { value } of rows) {
    for (const s of secrets) {
      assert.ok(!value.includes(Buffer.from(s)), 'plain value in a row');
      assert.ok(!value.includes(Buffer.from(Buffer.from(s).toString('base64'))), 'base64 value in a row');
    }
  }
}

const secretValue = (i: number) => `hunter-${i}-${randomBytes(6).toString('hex')}`;

describe('Secrets encrypted at rest', () => {
  after(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const values: string[] = [];

  it('writes Secrets as aescbc ciphertext under upstream prefix and serves them plain', async () => {
    await start({ secretsEncryption: true });
    for (let i = 0; i < 5; i++) {
      values.push(secretValue(i));
      const r = await kubectl(['create', 'secret', 'generic', `s${i}`, `--from-literal=password=${values[i]}`]);
      assert.equal(r.code, 0, r.stderr);
    }
    // One through JSON stringData too (kubectl create sends protobuf; apply sends JSON).
    values.push(secretValue(9));
    const applied = await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'from-json' }, stringData: { token: values[5] } }));
    assert.equal(applied.code, 0, applied.stderr);
    const rows = await rawSecretRows();
    assert.ok(rows.length >= 6);
    for (const row of rows) assert.match(row.value.subarray(0, 40).toString('latin1'), /^k8s:enc:aescbc:v1:aescbckey:/, row.name);
    assertNoPlaintext(rows, values);
    const got = await kubectl(['get', 'secret', 's3', '-o', 'jsonpath={.data.password}']);
    assert.equal(Buffer.from(got.stdout, 'base64').toString(), values[3]);
    // A ConfigMap is not in the configuration: stored as it is.
    assert.equal((await kubectl(['create', 'configmap', 'plain', '--from-literal=k=visible-config'])).code, 0);
    const cm = await runProcess('sqlite3', ['-readonly', db, "SELECT value FROM log WHERE name = '/registry/configmaps/default/plain'"]);
    assert.match(cm.stdout, /visible-config/);
  });

  it('re-encrypts every Secret with a rotated key and keeps them readable across restarts', async () => {
    await stop();
    const file = generatedEncryptionConfigPath(dataDir);
    assert.match(describeEncryption(file, dataDir), /Re-encryption: done, all \d+ stored values on the active key \(0 rewritten/);
    const name = rotateGeneratedKey(file);
    assert.match(describeEncryption(file, dataDir), /Re-encryption: pending, the active key changed after the server last rewrote/);
    assert.match(describeEncryption(file, dataDir), new RegExp(` \\*      aescbc     ${name}\n        aescbc     aescbckey\n        identity`));
    await start({ secretsEncryption: true });
    assert.match(describeEncryption(file, dataDir), /Re-encryption: done, all (\d+) stored values on the active key \(\1 rewritten/);
    const rows = await rawSecretRows();
    for (const row of rows) assert.ok(row.value.subarray(0, 80).toString('latin1').startsWith(`k8s:enc:aescbc:v1:${name}:`), row.name);
    assertNoPlaintext(rows, values);
    for (let i = 0; i < 5; i++) {
      const got = await kubectl(['get', 'secret', `s${i}`, '-o', 'jsonpath={.data.password}']);
      assert.equal(Buffer.from(got.stdout, 'base64').toString(), values[i]);
    }
    // Every value is on the new key: the old one can be dropped from the file.
    await stop();
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.resources[0].providers[0].aescbc.keys = config.resources[0].providers[0].aescbc.keys.filter((k: { name: string }) => k.name === name);
    writeFileSync(file, JSON.stringify(config));
    await start({ secretsEncryption: true });
    const json = await kubectl(['get', 'secret', 'from-json', '-o', 'jsonpath={.data.token}']);
    assert.equal(Buffer.from(json.stdout, 'base64').toString(), values[5]);
  });

  it('rotates on a running server, and refuses a live change that would strand a Secret', async () => {
    const file = generatedEncryptionConfigPath(dataDir);
    const name = rotateGeneratedKey(file);
    await eventually(async () => (await rawSecretRows(true)).every((row) => row.value.toString('latin1').startsWith(`k8s:enc:aescbc:v1:${name}:`)), 20_000);
    await eventually(() => /Re-encryption: done/.test(describeEncryption(file, dataDir)), 10_000);
    for (let i = 0; i < 5; i++) {
      const got = await kubectl(['get', 'secret', `s${i}`, '-o', 'jsonpath={.data.password}']);
      assert.equal(Buffer.from(got.stdout, 'base64').toString(), values[i]);
    }
    // Only a key nothing was written with: every Secret would be lost, so the server keeps what it has.
    const config = JSON.parse(readFileSync(file, 'utf8'));
    const kept = JSON.stringify(config);
    config.resources[0].providers = [{ aescbc: { keys: [{ name: 'fresh', secret: randomBytes(32).toString('base64') }] } }];
    writeFileSync(file, JSON.stringify(config));
    await eventually(() => logged.some((l) => /reloading .* failed, keeping the previous configuration: \/registry\/secrets\/.* would not be readable/.test(l)), 10_000);
    const got = await kubectl(['get', 'secret', 's1', '-o', 'jsonpath={.data.password}']);
    assert.equal(Buffer.from(got.stdout, 'base64').toString(), values[1]);
    writeFileSync(file, kept);
  });

  it('moves to another provider from a user configuration (aescbc to secretbox, then aesgcm)', async () => {
    await stop();
    const current = JSON.parse(readFileSync(generatedEncryptionConfigPath(dataDir), 'utf8'));
    const aescbc = current.resources[0].providers[0];
    const box = { secretbox: { keys: [{ name: 'box1', secret: randomBytes(32).toString('base64') }] } };
    const gcm = { aesgcm: { keys: [{ name: 'gcm1', secret: randomBytes(32).toString('base64') }] } };
    const write = (providers: unknown[]) => {
      const f = join(dataDir, 'my-encryption.yaml');
      writeFileSync(f, JSON.stringify({ kind: 'EncryptionConfiguration', apiVersion: 'apiserver.config.k8s.io/v1', resources: [{ resources: ['secrets'], providers }] }));
      return f;
    };
    await start({ encryptionProviderConfig: write([box, aescbc]) });
    for (const row of await rawSecretRows()) assert.ok(row.value.toString('latin1').startsWith('k8s:enc:secretbox:v1:box1:'), row.name);
    await stop();
    await start({ encryptionProviderConfig: write([gcm, box]) });
    const rows = await rawSecretRows();
    for (const row of rows) assert.ok(row.value.toString('latin1').startsWith('k8s:enc:aesgcm:v1:gcm1:'), row.name);
    assertNoPlaintext(rows, values);
    for (let i = 0; i < 5; i++) {
      const got = await kubectl(['get', 'secret', `s${i}`, '-o', 'jsonpath={.data.password}']);
      assert.equal(Buffer.from(got.stdout, 'base64').toString(), values[i]);
    }
  });

  it('refuses to start on a configuration it cannot honour, with one line', async () => {
    await stop();
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources:\n- resources: [secrets]\n  providers:\n  - aescbc:\n      keys:\n      - name: k\n        secret: c2hvcnQ=\n');
    await assert.rejects(start({ encryptionProviderConfig: bad }), /key "k" of aescbc: the key must be 16, 24 or 32 bytes, got 5/);
    writeFileSync(bad, 'kind: EncryptionConfiguration\napiVersion: apiserver.config.k8s.io/v1\nresources:\n- resources: [secrets]\n  providers:\n  - kms: {name: x}\n');
    await assert.rejects(start({ encryptionProviderConfig: bad }), /kms providers are not supported/);
  });
});
