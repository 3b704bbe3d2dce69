// k3s's --cluster-reset: this server's etcd member becomes a cluster of one. Alone it keeps its
// data (etcd's --force-new-cluster); with --cluster-reset-restore-path the data is a snapshot's,
// restored as `etcdctl snapshot restore` does into a new data dir while the old one is kept as
// db/etcd-old-<unix time>. A flag file remembers the reset, so that starting again with the same
// flags (a unit file left unchanged) does not throw away what was written since.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { verifySnapshotFile } from './snapshot.js';
import { etcdDataDir, hasEtcdMember } from './process.js';

export const resetFlagFile = (dataDir: string): string => join(dataDir, 'db', 'reset-flag');

export interface ResetPlan {
  /** A snapshot file to restore; none: keep this member's data. */
  restorePath?: string;
}

/** Refuses a reset that cannot be done or was done already; one line each. */
export function checkReset(dataDir: string, plan: ResetPlan): void {
  const flag = resetFlagFile(dataDir);
  if (existsSync(flag)) {
    let what = '';
    try {
      const f = JSON.parse(readFileSync(flag, 'utf8')) as { at?: string; restored?: string };
      what = ` at ${f.at}${f.restored ? ` from ${f.restored}` : ''}`;
    } catch {
      // an unreadable flag still means a reset was done
    }
    throw new Error(`this server's etcd was already reset${what}: start it without --cluster-reset (again would drop everything written since), or remove ${flag} to reset once more`);
  }
  if (!plan.restorePath && !hasEtcdMember(dataDir)) throw new Error(`--cluster-reset: ${etcdDataDir(dataDir)} holds no etcd member to reset (give --cluster-reset-restore-path to start from a snapshot)`);
  if (plan.restorePath && !existsSync(plan.restorePath)) throw new Error(`--cluster-reset-restore-path: no file ${plan.restorePath}`);
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} not found (apt-get install etcd-client)` : stderr.trim().split('\n').slice(-2).join(' | ') || err.message;
      reject(new Error(`${cmd} ${args[0]} ${args[1]}: ${why}`));
    }),
  );
}

/**
 * Restores `snapshot` as the data of a one-member cluster: this member, at its peer URL. The
 * snapshot's sha256 is checked first; etcdctl writes into a fresh dir, which replaces db/etcd
 * only once whole.
 */
export async function restoreSnapshot(dataDir: string, o: { snapshot: string; name: string; peerURL: string; log: (line: string) => void; etcdctl?: string }): Promise<{ oldDir?: string }> {
  const size = await verifySnapshotFile(o.snapshot);
  o.log(`etcd: restoring snapshot ${o.snapshot} (${(size / 1024 / 1024).toFixed(1)} MiB, sha256 verified) as a new cluster of one member, ${o.name}`);
  const dir = etcdDataDir(dataDir);
  const fresh = `${dir}-restore`;
  rmSync(fresh, { recursive: true, force: true });
  await run(o.etcdctl ?? 'etcdctl', [
    'snapshot', 'restore', o.snapshot,
    '--data-dir', fresh,
    '--name', o.name,
    '--initial-cluster', `${o.name}=${o.peerURL}`,
    '--initial-advertise-peer-urls', o.peerURL,
    // A new cluster: its ID differs from the old one's, so the old members cannot talk to it by mistake.
    '--initial-cluster-token', `k8ts-${randomBytes(6).toString('hex')}`,
  ]).catch((err: unknown) => {
    rmSync(fresh, { recursive: true, force: true });
    throw err;
  });
  let oldDir: string | undefined;
  if (existsSync(dir)) {
    oldDir = `${dir}-old-${Math.floor(Date.now() / 1000)}`;
    renameSync(dir, oldDir);
  }
  renameSync(fresh, dir);
  return { oldDir };
}

export function recordReset(dataDir: string, restored?: string): void {
  writeFileSync(resetFlagFile(dataDir), `${JSON.stringify({ at: new Date().toISOString(), ...(restored ? { restored } : {}) })}\n`, { mode: 0o600 });
}

/** A start without --cluster-reset: the next reset may happen again. */
export function clearResetFlag(dataDir: string): void {
  rmSync(resetFlagFile(dataDir), { force: true });
}
