// From sqlite to the embedded etcd, as k3s moves kine's sqlite into etcd: the first start with
// --cluster-init over a data dir whose cluster lives in state.db copies every key, with its
// value byte for byte (Secrets encrypted at rest stay so, under the same keys), into the new
// member before anything serves; state.db is then kept as state.db.migrated. Names, uids and
// content are the objects'; resourceVersions are etcd's new revisions, so clients relist.
//
// A marker file spans the copy: a server that dies during it copies again on its next start
// (puts overwrite, and nothing has been served from etcd yet), instead of serving half a cluster.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EtcdClient } from '../../storage/etcd/client.js';
import type { RequestOp } from '../../storage/etcd/proto.js';
import { openSqliteStore } from '../../storage/sqlite.js';

/** etcd's default --max-txn-ops is 128 and a request is at most 1.5 MiB. */
const BATCH_OPS = 128;
const BATCH_BYTES = 1024 * 1024;
const PAGE = 500;

export const sqliteStateFile = (dataDir: string): string => join(dataDir, 'state.db');
const markerFile = (dataDir: string) => join(dataDir, 'db', 'migrating-from-sqlite');

/** Whether this start is to copy state.db into etcd: a new member (or a copy cut short) over a sqlite data dir. */
export function sqliteToMigrate(dataDir: string, newMember: boolean): boolean {
  return existsSync(sqliteStateFile(dataDir)) && (newMember || existsSync(markerFile(dataDir)));
}

export interface Migration {
  keys: number;
  bytes: number;
  /** state.db's new name. */
  keptAs: string;
  seconds: number;
}

export async function migrateSqliteToEtcd(dataDir: string, client: EtcdClient, log: (line: string) => void): Promise<Migration> {
  const started = Date.now();
  const file = sqliteStateFile(dataDir);
  writeFileSync(markerFile(dataDir), `${new Date().toISOString()}\n`);
  const sqlite = await openSqliteStore(file);
  let keys = 0;
  let bytes = 0;
  try {
    const total = await sqlite.count('');
    log(`migrating ${total} keys from ${file} into the embedded etcd`);
    // One revision throughout: the copy is of one moment (nothing else writes this file now).
    const revision = sqlite.currentRevision();
    let shown = Date.now();
    let ops: RequestOp[] = [];
    let opBytes = 0;
    const flush = async () => {
      if (!ops.length) return;
      await client.txn({ compare: [], success: ops, failure: [] });
      ops = [];
      opBytes = 0;
    };
    for (let after: string | undefined; ; ) {
      const page = await sqlite.list('', { revision, startAfter: after, limit: PAGE });
      for (const kv of page.kvs) {
        const size = kv.key.length + kv.value.length;
        if (ops.length >= BATCH_OPS || (ops.length && opBytes + size > BATCH_BYTES)) await flush();
        ops.push({ requestPut: { key: Buffer.from(kv.key), value: kv.value } });
        opBytes += size;
        keys++;
        bytes += kv.value.length;
      }
      if (Date.now() - shown > 1000) {
        shown = Date.now();
        log(`migrating: ${keys}/${total} keys copied`);
      }
      if (!page.more || !page.kvs.length) break;
      after = page.kvs[page.kvs.length - 1]!.key;
    }
    await flush();
    if (keys !== total) throw new Error(`copied ${keys} keys but ${file} counts ${total}`);
  } finally {
    await sqlite.close();
  }
  const keptAs = keepAside(file);
  rmSync(markerFile(dataDir), { force: true });
  return { keys, bytes, keptAs, seconds: (Date.now() - started) / 1000 };
}

/** Renames state.db (with its -wal and -shm, which belong to its name) out of the way. */
function keepAside(file: string): string {
  let to = `${file}.migrated`;
  if (existsSync(to)) to = `${file}.migrated-${Math.floor(Date.now() / 1000)}`;
  for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, to + suffix);
  renameSync(file, to);
  return to;
}
