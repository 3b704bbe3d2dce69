// Secrets encryption at rest in the data dir, as k3s's --secrets-encryption: a generated
// EncryptionConfiguration (one aescbc key, identity after it so Secrets written before
// encryption was on stay readable), key rotation by putting a new key first, and the store the
// API server runs on wrapped in the value transformer the configuration describes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, unwatchFile, watchFile, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { KindDefinition } from '../api/scheme/kind.js';
import { encryptionRules, ENCRYPTION_CONFIG_API_VERSION, parseEncryptionConfig, type EncryptionConfiguration, type EncryptionKey } from '../apiserver/encryption/config.js';
import { EncryptingStore, type RewriteResult } from '../storage/encryption/encrypting-store.js';
import type { Store } from '../storage/store.js';

/** Where `--secrets-encryption` keeps its configuration (k3s: server/cred/encryption-config.json). */
export function generatedEncryptionConfigPath(dataDir: string): string {
  return join(dataDir, 'cred', 'encryption-config.json');
}

const KEY_NAME = 'aescbckey';

function newKey(name: string): EncryptionKey {
  return { name, secret: randomBytes(32).toString('base64') };
}

function writeConfig(file: string, config: EncryptionConfiguration): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a crash never leaves a half file and lost keys.
  writeFileSync(`${file}.tmp`, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The generated configuration, created with a fresh key when absent. */
export function ensureGeneratedEncryptionConfig(dataDir: string): string {
  const file = generatedEncryptionConfigPath(dataDir);
  if (!existsSync(file)) {
    writeConfig(file, {
      kind: 'EncryptionConfiguration',
      apiVersion: ENCRYPTION_CONFIG_API_VERSION,
      resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys: [newKey(KEY_NAME)] } }, { identity: {} }] }],
    });
  }
  return file;
}

export function readEncryptionConfig(file: string): EncryptionConfiguration {
  return parseEncryptionConfig(readFileSync(file, 'utf8'), file);
}

/**
 * k3s's `secrets-encrypt rotate-keys`: a new aescbc key goes first (it writes from now on), the
 * older ones stay after it so what they wrote stays readable; a running API server picks the
 * file up and rewrites every Secret with the new key (one that is stopped does at its start).
 * Returns the new key's name.
 */
export function rotateGeneratedKey(file: string, now = new Date()): string {
  const config = readEncryptionConfig(file);
  const entry = config.resources.find((r) => r.resources.includes('secrets'));
  const first = entry?.providers[0];
  if (!entry || !first || !('aescbc' in first)) throw new Error(`${file}: the first provider for secrets is not aescbc; edit the file to rotate its keys`);
  const stamp = `${KEY_NAME}-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  let name = stamp;
  // Two rotations within a second still get two names.
  for (let n = 2; first.aescbc.keys.some((k) => k.name === name); n++) name = `${stamp}-${n}`;
  first.aescbc.keys.unshift(newKey(name));
  writeConfig(file, config);
  return name;
}

/** The served resources the configuration's names are resolved against. */
function storedResources(kinds: readonly KindDefinition[]) {
  return kinds.filter((k) => !k.storedAs).map((k) => ({ group: k.group, resource: k.plural }));
}

function rulesOf(file: string, kinds: readonly KindDefinition[]) {
  return encryptionRules(readEncryptionConfig(file), storedResources(kinds));
}

/** The store wrapped in the configuration's transformers. */
export function encryptedStore(store: Store, file: string, kinds: readonly KindDefinition[]): EncryptingStore {
  return new EncryptingStore(store, rulesOf(file, kinds));
}

const RELOAD_POLL_MS = 1000;

/**
 * kube-apiserver's --encryption-provider-config-automatic-reload (and what makes k3s's
 * rotate-keys take effect on a running server): when the file changes, the new configuration is
 * taken once every stored value is known to stay readable under it, and what the old one wrote is
 * rewritten. A file that does not parse, or would strand a value, is logged and ignored: the
 * server keeps the configuration it has.
 */
export function reloadOnChange(file: string, store: EncryptingStore, kinds: readonly KindDefinition[], dataDir: string, log: (line: string) => void): { stop(): Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  const reload = async () => {
    try {
      await store.setRules(rulesOf(file, kinds));
      const r = await store.rewriteStale();
      recordEncryptionState(dataDir, file, r);
      log(`encryption at rest: reloaded ${file}; rewrote ${r.rewritten} stored values with the first provider (${r.current} were current)`);
    } catch (err) {
      log(`encryption at rest: reloading ${file} failed, keeping the previous configuration: ${(err as Error).message}`);
    }
  };
  const onChange = (cur: Stats, prev: Stats) => {
    if (cur.mtimeMs === prev.mtimeMs && cur.size === prev.size && cur.ino === prev.ino) return;
    pending = pending.then(reload);
  };
  watchFile(file, { interval: RELOAD_POLL_MS, persistent: false }, onChange);
  return {
    async stop() {
      unwatchFile(file, onChange);
      await pending;
    },
  };
}

/** What the last start's rewrite left, for `secrets-encrypt status`: every value under the key that writes. */
export interface EncryptionState {
  config: string;
  /** The writing key of each configuration entry, `<provider>:<name>`. */
  writers: string[];
  values: number;
  rewritten: number;
  time: string;
}

function statePath(dataDir: string): string {
  return join(dataDir, 'cred', 'encryption-state.json');
}

function writersOf(config: EncryptionConfiguration): string[] {
  return config.resources.map((r) => {
    const [type, body] = Object.entries(r.providers[0]!)[0] as [string, { keys?: EncryptionKey[] }];
    return type === 'identity' ? 'identity' : `${type}:${body.keys?.[0]?.name ?? ''}`;
  });
}

export function recordEncryptionState(dataDir: string, config: string, r: RewriteResult, now = new Date()): void {
  const state: EncryptionState = { config: resolve(config), writers: writersOf(readEncryptionConfig(config)), values: r.rewritten + r.current, rewritten: r.rewritten, time: now.toISOString() };
  mkdirSync(dirname(statePath(dataDir)), { recursive: true, mode: 0o700 });
  writeFileSync(statePath(dataDir), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

function readState(dataDir: string): EncryptionState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dataDir), 'utf8')) as EncryptionState;
  } catch {
    return undefined;
  }
}

/** `k8ts secrets-encrypt status`: what the configuration encrypts, which key writes, and whether the server has caught up with it. */
export function describeEncryption(file: string | undefined, dataDir: string): string {
  if (!file || !existsSync(file)) return 'Encryption Status: Disabled\n';
  const config = readEncryptionConfig(file);
  const lines = ['Encryption Status: Enabled', `Configuration: ${file}`];
  const state = readState(dataDir);
  if (!state || state.config !== resolve(file)) lines.push('Re-encryption: the server has not started with this configuration yet');
  else if (state.writers.join() !== writersOf(config).join()) lines.push(`Re-encryption: pending, the active key changed after the server last rewrote (${state.time})`);
  else lines.push(`Re-encryption: done, all ${state.values} stored values on the active key (${state.rewritten} rewritten at the start of ${state.time})`);
  lines.push('');
  for (const entry of config.resources) {
    lines.push(`Resources: ${entry.resources.join(', ')}`);
    lines.push('Active  Key Type   Name');
    lines.push('------  ---------  ----');
    let active = true;
    for (const p of entry.providers) {
      const [type, body] = Object.entries(p)[0] as [string, { keys?: EncryptionKey[] }];
      for (const k of type === 'identity' ? [{ name: '' }] : (body.keys ?? [])) {
        lines.push(`${active ? ' *' : '  '}      ${type.padEnd(9)}  ${k.name}`);
        active = false;
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
