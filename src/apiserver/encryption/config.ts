// kube-apiserver's --encryption-provider-config: an apiserver.config.k8s.io/v1
// EncryptionConfiguration naming, per list of resources, the providers in order (the first
// writes, every one reads). Read strictly: a file that would not encrypt what it says fails the
// start with one line, never silently leaves data in the clear.
import { parse as parseYaml } from 'yaml';
import { aescbc, aesgcm, identity, KeyError, secretbox, TransformerChain, type ProviderType, type Transformer } from '../../storage/encryption/providers.js';
import type { EncryptionRule } from '../../storage/encryption/encrypting-store.js';
import { storageKeyPrefix } from '../registry/registry.js';

export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';

export interface EncryptionKey {
  name: string;
  secret: string;
}

export type ProviderConfiguration = { aescbc: { keys: EncryptionKey[] } } | { aesgcm: { keys: EncryptionKey[] } } | { secretbox: { keys: EncryptionKey[] } } | { identity: Record<string, never> };

export interface EncryptionConfiguration {
  kind: 'EncryptionConfiguration';
  apiVersion: typeof ENCRYPTION_CONFIG_API_VERSION;
  resources: { resources: string[]; providers: ProviderConfiguration[] }[];
}

/** A served resource as the configuration names it (`secrets`, `deployments.apps`). */
export interface StoredResource {
  group: string;
  resource: string;
}

export class EncryptionConfigError extends Error {}

const KEYED: readonly ProviderType[] = ['aescbc', 'aesgcm', 'secretbox'];
const BUILD: Record<Exclude<ProviderType, 'identity'>, (name: string, key: Buffer) => Transformer> = { aescbc, aesgcm, secretbox };

export function parseEncryptionConfig(text: string, source: string): EncryptionConfiguration {
  const fail = (why: string) => new EncryptionConfigError(`${source}: ${why}`);
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw fail(`not YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const c = doc as Partial<EncryptionConfiguration> | null;
  if (!c || typeof c !== 'object') throw fail('not an EncryptionConfiguration');
  if (c.kind !== 'EncryptionConfiguration') throw fail(`kind is "${String(c.kind)}", want EncryptionConfiguration`);
  if (c.apiVersion !== ENCRYPTION_CONFIG_API_VERSION) throw fail(`apiVersion is "${String(c.apiVersion)}", want ${ENCRYPTION_CONFIG_API_VERSION}`);
  if (!Array.isArray(c.resources) || !c.resources.length) throw fail('resources: Required value');
  c.resources.forEach((r, i) => {
    if (!Array.isArray(r?.resources) || !r.resources.length || r.resources.some((x) => typeof x !== 'string' || !x)) throw fail(`resources[${i}].resources: Required value`);
    if (!Array.isArray(r.providers) || !r.providers.length) throw fail(`resources[${i}].providers: Required value`);
    r.providers.forEach((p, j) => {
      const types = Object.keys(p ?? {});
      const where = `resources[${i}].providers[${j}]`;
      if (types.length !== 1) throw fail(`${where}: exactly one provider must be given (aescbc, aesgcm, secretbox or identity)`);
      const type = types[0]!;
      if (type === 'kms') throw fail(`${where}: kms providers are not supported by k8ts`);
      if (type === 'identity') return;
      if (!KEYED.includes(type as ProviderType)) throw fail(`${where}: unknown provider "${type}"`);
      const keys = (p as Record<string, { keys?: EncryptionKey[] }>)[type]?.keys;
      if (!Array.isArray(keys) || !keys.length) throw fail(`${where}.${type}.keys: Required value`);
      const names = new Set<string>();
      keys.forEach((k, n) => {
        if (!k?.name || typeof k.name !== 'string') throw fail(`${where}.${type}.keys[${n}].name: Required value`);
        if (k.name.includes(':')) throw fail(`${where}.${type}.keys[${n}].name: Invalid value: "${k.name}": should not contain ':'`);
        if (names.has(k.name)) throw fail(`${where}.${type}.keys[${n}].name: Duplicate value: "${k.name}"`);
        names.add(k.name);
        if (typeof k.secret !== 'string' || !k.secret) throw fail(`${where}.${type}.keys[${n}].secret: Required value`);
      });
    });
  });
  return c as EncryptionConfiguration;
}

function decodeKey(k: EncryptionKey, type: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(k.secret)) throw new EncryptionConfigError(`key "${k.name}" of ${type}: secret is not valid base64`);
  return Buffer.from(k.secret, 'base64');
}

function chainOf(providers: readonly ProviderConfiguration[]): TransformerChain {
  const transformers: Transformer[] = [];
  for (const p of providers) {
    const [type, body] = Object.entries(p)[0] as [ProviderType, { keys?: EncryptionKey[] }];
    if (type === 'identity') {
      transformers.push(identity);
      continue;
    }
    for (const k of body.keys ?? []) {
      try {
        transformers.push(BUILD[type](k.name, decodeKey(k, type)));
      } catch (err) {
        if (err instanceof KeyError) throw new EncryptionConfigError(err.message);
        throw err;
      }
    }
  }
  return new TransformerChain(transformers);
}

/** The key prefix a wildcard name covers, CRDs included: `*.*` everything, `*.<group>` that group's keys. */
function wildcardPrefix(name: string): string | undefined {
  if (name === '*.*') return '/registry/';
  if (name.startsWith('*.') && name.length > 2) return `/registry/${name.slice(2)}/`;
  return undefined;
}

/** Whether a configured name (`secrets`, `deployments.apps`, `*.` for the core group) covers a resource. */
function covers(name: string, r: StoredResource): boolean {
  const dot = name.indexOf('.');
  const resource = dot < 0 ? name : name.slice(0, dot);
  const group = dot < 0 ? '' : name.slice(dot + 1);
  return group === r.group && (resource === '*' || resource === r.resource);
}

/**
 * The store rules of a configuration over the resources this server stores. A key belongs to
 * the first entry covering it, as a resource does upstream (the store asks the rules in order);
 * a name that matches nothing covers no key yet.
 */
export function encryptionRules(config: EncryptionConfiguration, stored: readonly StoredResource[]): EncryptionRule[] {
  return config.resources.map((entry) => {
    const keyPrefixes = new Set<string>();
    for (const name of entry.resources) {
      const wide = wildcardPrefix(name);
      if (wide) keyPrefixes.add(wide);
      else for (const r of stored) if (covers(name, r)) keyPrefixes.add(storageKeyPrefix(r.group, r.resource));
    }
    return { keyPrefixes: [...keyPrefixes], chain: chainOf(entry.providers) };
  });
}
