// Opens a store from a datastore endpoint, k3s style: memory:// or sqlite://<path>.
import { isAbsolute, resolve } from 'node:path';
import type { Store } from './store.js';
import { MemoryStore } from './memory.js';
import { openSqliteStore } from './sqlite.js';

export * from './store.js';
export { MemoryStore } from './memory.js';
export { SqliteStore, openSqliteStore, SQLITE_PRAGMAS, applySqlitePragmas } from './sqlite.js';
export { startCompactor, type Compactor, type CompactorOptions } from './compactor.js';
export { StoreClosedError, FutureRevisionError } from './log-store.js';

/**
 * Accepted endpoints:
 *  - `memory://`                       nothing persisted
 *  - `sqlite:///abs/path/state.db`     absolute path (three slashes)
 *  - `sqlite://rel/path/state.db`      relative to `baseDir` (default: the working directory)
 */
export function openStore(url: string, baseDir: string = process.cwd()): Store {
  if (url === 'memory://' || url === 'memory:') return new MemoryStore();
  if (url.startsWith('sqlite://')) {
    const path = url.slice('sqlite://'.length);
    if (path === '') throw new Error(`datastore endpoint ${JSON.stringify(url)} has no database path: use sqlite:///abs/path/state.db`);
    return openSqliteStore(isAbsolute(path) ? path : resolve(baseDir, path));
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https' || scheme === 'etcd') {
    throw new Error(`datastore endpoint ${JSON.stringify(url)}: etcd is not supported yet; use memory:// or sqlite://<path>`);
  }
  throw new Error(`unsupported datastore endpoint ${JSON.stringify(url)}: expected memory:// or sqlite://<path>`);
}
