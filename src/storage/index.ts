// Opens a store from a datastore endpoint, k3s style: memory://, sqlite://<path>, or etcd at
// http(s)://host:2379 (a comma list for several members).
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Store } from './store.js';
import { MemoryStore } from './memory.js';
import { openSqliteStore } from './sqlite.js';
import { openEtcdStore } from './etcd/store.js';

export * from './store.js';
export { MemoryStore } from './memory.js';
export { SqliteStore, openSqliteStore, SQLITE_PRAGMAS, applySqlitePragmas } from './sqlite.js';
export { startCompactor, type Compactor, type CompactorOptions } from './compactor.js';
export { StoreClosedError, FutureRevisionError } from './log-store.js';
export { EtcdStore, openEtcdStore } from './etcd/store.js';

/** k3s's --datastore-cafile/-certfile/-keyfile: TLS to etcd, with a client certificate. */
export interface DatastoreTlsFiles {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/**
 * Accepted endpoints:
 *  - `memory://`                       nothing persisted
 *  - `sqlite:///abs/path/state.db`     absolute path (three slashes)
 *  - `sqlite://rel/path/state.db`      relative to `baseDir` (default: the working directory)
 *  - `https://host:2379` / `http://…`  etcd v3; a comma list names several members of one cluster
 */
export async function openStore(url: string, baseDir: string = process.cwd(), tls: DatastoreTlsFiles = {}): Promise<Store> {
  if (url === 'memory://' || url === 'memory:') return new MemoryStore();
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    if (path === '') throw new Error(`datastore endpoint ${JSON.stringify(url)} has no database path: use sqlite:///abs/path/state.db`);
    return openSqliteStore(isAbsolute(path) ? path : resolve(baseDir, path));
  }
  const endpoints = etcdEndpoints(url);
  if (endpoints) {
    const read = (f: string | undefined): Buffer | undefined => (f ? readFileSync(f) : undefined);
    if (!!tls.certFile !== !!tls.keyFile) throw new Error('--datastore-certfile and --datastore-keyfile go together');
    const secure = endpoints.some((e) => e.startsWith('https://'));
    if (!secure && (tls.caFile || tls.certFile)) throw new Error(`datastore TLS files were given but ${JSON.stringify(url)} is not https://`);
    return openEtcdStore({ endpoints, tls: { ca: read(tls.caFile), cert: read(tls.certFile), key: read(tls.keyFile) } });
  }
  throw new Error(`unsupported datastore endpoint ${JSON.stringify(url)}: expected memory://, sqlite://<path> or http(s)://<etcd host>:2379`);
}

/** The members of an etcd endpoint list, or undefined when `url` is not one. */
export function etcdEndpoints(url: string): string[] | undefined {
  const parts = url.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0 || !parts.every((p) => /^https?:\/\//i.test(p))) return undefined;
  return parts;
}
