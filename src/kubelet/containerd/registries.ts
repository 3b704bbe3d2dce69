// k3s's registries.yaml (mirrors and per-registry auth/TLS) turned into what containerd 1.6 reads:
// a hosts directory (<dir>/<host>/hosts.toml) for endpoints and TLS. Credentials have no place in
// hosts.toml, so the kubelet passes them with each PullImage (registryAuth).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AuthConfig } from '../runtime.js';
import { tomlString } from './config.js';

export interface RegistryMirror {
  /** Endpoint URLs, tried in order before the registry itself. */
  endpoint: string[];
  /** k3s's image-name rewrites; containerd 1.6 has no equivalent, so they are reported, not applied. */
  rewrite?: Record<string, string>;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  identityToken?: string;
}

export interface RegistryTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
}

export interface RegistriesConfig {
  mirrors: Record<string, RegistryMirror>;
  configs: Record<string, { auth?: RegistryAuth; tls?: RegistryTls }>;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function optString(v: unknown, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${where}: want a string`);
  return v;
}

function optBool(v: unknown, where: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`${where}: want true or false`);
  return v;
}

// A registry host names a directory: refuse anything that could step outside it.
function checkHost(host: string, where: string): void {
  if (host === '*') return;
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/.test(host) && !/^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) {
    throw new Error(`${where}: "${host}" is not a registry host (name or name:port)`);
  }
}

/** An endpoint as a URL string; a bare host means https, as in k3s. */
function endpointUrl(raw: string, where: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`${where}: invalid endpoint "${raw}"`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`${where}: endpoint "${raw}" must be http or https`);
  if (u.username || u.password) throw new Error(`${where}: put credentials under configs, not in the endpoint URL`);
  return u;
}

function knownKeys(o: Obj, keys: string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Error(`${where}: unknown field "${k}"`);
}

/** Parses registries.yaml text; a bad file is a one-line error naming the place. */
export function parseRegistries(text: string, source = 'registries.yaml'): RegistriesConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`${source}: ${(err as Error).message.split('\n')[0]}`);
  }
  const out: RegistriesConfig = { mirrors: {}, configs: {} };
  if (doc === null || doc === undefined) return out;
  if (!isObj(doc)) throw new Error(`${source}: want a mapping with mirrors and configs`);
  knownKeys(doc, ['mirrors', 'configs'], source);
  if (doc['mirrors'] !== undefined && doc['mirrors'] !== null) {
    if (!isObj(doc['mirrors'])) throw new Error(`${source}: mirrors: want a mapping of registry hosts`);
    for (const [host, m] of Object.entries(doc['mirrors'])) {
      const where = `${source}: mirrors.${host}`;
      checkHost(host, where);
      if (!isObj(m)) throw new Error(`${where}: want a mapping with endpoint`);
      knownKeys(m, ['endpoint', 'rewrite'], where);
      const eps = m['endpoint'] ?? [];
      if (!Array.isArray(eps)) throw new Error(`${where}.endpoint: want a list of URLs`);
      const endpoint = eps.map((e, i) => endpointUrl(optString(e, `${where}.endpoint[${i}]`) ?? '', `${where}.endpoint[${i}]`).href.replace(/\/$/, ''));
      const mirror: RegistryMirror = { endpoint };
      if (m['rewrite'] !== undefined && m['rewrite'] !== null) {
        if (!isObj(m['rewrite'])) throw new Error(`${where}.rewrite: want a mapping of pattern to replacement`);
        mirror.rewrite = {};
        for (const [pat, rep] of Object.entries(m['rewrite'])) {
          try {
            new RegExp(pat);
          } catch {
            throw new Error(`${where}.rewrite: invalid pattern "${pat}"`);
          }
          mirror.rewrite[pat] = optString(rep, `${where}.rewrite["${pat}"]`) ?? '';
        }
      }
      out.mirrors[host] = mirror;
    }
  }
  if (doc['configs'] !== undefined && doc['configs'] !== null) {
    if (!isObj(doc['configs'])) throw new Error(`${source}: configs: want a mapping of registry hosts`);
    for (const [host, c] of Object.entries(doc['configs'])) {
      const where = `${source}: configs.${host}`;
      checkHost(host, where);
      if (!isObj(c)) throw new Error(`${where}: want a mapping with auth and tls`);
      knownKeys(c, ['auth', 'tls'], where);
      const entry: { auth?: RegistryAuth; tls?: RegistryTls } = {};
      const a = c['auth'];
      if (a !== undefined && a !== null) {
        if (!isObj(a)) throw new Error(`${where}.auth: want a mapping`);
        knownKeys(a, ['username', 'password', 'auth', 'identity_token'], `${where}.auth`);
        entry.auth = {
          username: optString(a['username'], `${where}.auth.username`),
          password: optString(a['password'], `${where}.auth.password`),
          auth: optString(a['auth'], `${where}.auth.auth`),
          identityToken: optString(a['identity_token'], `${where}.auth.identity_token`),
        };
      }
      const t = c['tls'];
      if (t !== undefined && t !== null) {
        if (!isObj(t)) throw new Error(`${where}.tls: want a mapping`);
        knownKeys(t, ['ca_file', 'cert_file', 'key_file', 'insecure_skip_verify'], `${where}.tls`);
        entry.tls = {
          caFile: optString(t['ca_file'], `${where}.tls.ca_file`),
          certFile: optString(t['cert_file'], `${where}.tls.cert_file`),
          keyFile: optString(t['key_file'], `${where}.tls.key_file`),
          insecureSkipVerify: optBool(t['insecure_skip_verify'], `${where}.tls.insecure_skip_verify`),
        };
        if ((entry.tls.certFile === undefined) !== (entry.tls.keyFile === undefined)) throw new Error(`${where}.tls: cert_file and key_file go together`);
      }
      out.configs[host] = entry;
    }
  }
  return out;
}

export async function loadRegistries(path: string): Promise<RegistriesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseRegistries(text, path);
}

/** What registries.yaml asks for that containerd 1.6 cannot do, one line each (for the agent's log). */
export function registryWarnings(config: RegistriesConfig): string[] {
  return Object.entries(config.mirrors)
    .filter(([, m]) => m.rewrite && Object.keys(m.rewrite).length > 0)
    .map(([host]) => `registries.yaml: mirrors.${host}.rewrite is not supported by containerd 1.6 and is ignored`);
}

/** Where containerd sends requests for a registry host when no mirror answers. */
function upstreamServer(host: string): string {
  return host === 'docker.io' ? 'https://registry-1.docker.io' : `https://${host}`;
}

function tlsLines(tls: RegistryTls | undefined, indent: string): string[] {
  if (!tls) return [];
  const lines: string[] = [];
  if (tls.caFile !== undefined) lines.push(`${indent}ca = ${tomlString(tls.caFile)}`);
  if (tls.certFile !== undefined && tls.keyFile !== undefined) lines.push(`${indent}client = [[${tomlString(tls.certFile)}, ${tomlString(tls.keyFile)}]]`);
  if (tls.insecureSkipVerify !== undefined) lines.push(`${indent}skip_verify = ${tls.insecureSkipVerify}`);
  return lines;
}

/** containerd's hosts.toml for one registry host ("*" is containerd's _default). */
export function hostsToml(host: string, config: RegistriesConfig): string {
  const lines = ['# Written by k8ts from registries.yaml; edits are overwritten.'];
  if (host !== '*') {
    lines.push(`server = ${tomlString(upstreamServer(host))}`);
    lines.push(...tlsLines(config.configs[host]?.tls, ''));
  }
  const endpoints = config.mirrors[host]?.endpoint ?? [];
  for (const ep of endpoints) {
    lines.push('', `[host.${tomlString(ep)}]`, '  capabilities = ["pull", "resolve"]');
    lines.push(...tlsLines(config.configs[new URL(ep).host]?.tls, '  '));
  }
  // containerd 1.6 rejects a hosts.toml without any [host] table ("invalid `host` tree") and then
  // ignores the whole file, TLS settings included: a registry with settings but no mirror names itself.
  if (host !== '*' && endpoints.length === 0) {
    lines.push('', `[host.${tomlString(upstreamServer(host))}]`, '  capabilities = ["pull", "resolve"]');
    lines.push(...tlsLines(config.configs[host]?.tls, '  '));
  }
  return lines.join('\n') + '\n';
}

const hostDirName = (host: string): string => (host === '*' ? '_default' : host);

/**
 * Writes <dir>/<host>/hosts.toml for every mirrored or configured registry and removes the
 * directories of registries no longer listed (the directory is k8ts's own). Returns the hosts written.
 */
export async function writeRegistryHosts(dir: string, config: RegistriesConfig): Promise<string[]> {
  const hosts = [...new Set([...Object.keys(config.mirrors), ...Object.keys(config.configs).filter((h) => config.configs[h]?.tls)])].sort();
  await mkdir(dir, { recursive: true, mode: 0o755 });
  for (const host of hosts) {
    const sub = join(dir, hostDirName(host));
    await mkdir(sub, { recursive: true, mode: 0o755 });
    const tmp = join(sub, `.hosts.toml.${process.pid}.tmp`);
    await writeFile(tmp, hostsToml(host, config), { mode: 0o644 });
    await rename(tmp, join(sub, 'hosts.toml'));
  }
  const keep = new Set(hosts.map(hostDirName));
  for (const name of await readdir(dir)) if (!keep.has(name)) await rm(join(dir, name), { recursive: true, force: true });
  return hosts;
}

/** The registry host of an image reference, normalized as docker's reference parser does. */
export function imageRegistryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  if (first === 'localhost' || first.includes('.') || first.includes(':') || first.startsWith('[')) {
    return first === 'index.docker.io' ? 'docker.io' : first;
  }
  return 'docker.io';
}

function toAuthConfig(a: RegistryAuth | undefined, host: string): AuthConfig | undefined {
  if (!a || (a.username === undefined && a.password === undefined && a.auth === undefined && a.identityToken === undefined)) return undefined;
  // containerd takes the host out of serverAddress as a URL and sends the credentials only there.
  const out: AuthConfig = { serverAddress: `https://${host === 'docker.io' ? 'registry-1.docker.io' : host}` };
  if (a.username !== undefined) out.username = a.username;
  if (a.password !== undefined) out.password = a.password;
  if (a.auth !== undefined) out.auth = a.auth;
  if (a.identityToken !== undefined) out.identityToken = a.identityToken;
  return out;
}

/**
 * Credentials from registries.yaml for pulling `image`: those of the first mirror endpoint that
 * has some, else the registry's own. serverAddress names the host they belong to (as a URL), so containerd
 * sends them only there. A PullImage carries one AuthConfig, hence one host's credentials.
 */
export function registryAuth(config: RegistriesConfig, image: string): AuthConfig | undefined {
  const host = imageRegistryHost(image);
  const mirror = config.mirrors[host] ?? config.mirrors['*'];
  for (const ep of mirror?.endpoint ?? []) {
    const epHost = new URL(ep).host;
    const auth = toAuthConfig(config.configs[epHost]?.auth, epHost);
    if (auth) return auth;
  }
  return toAuthConfig(config.configs[host]?.auth, host);
}
