// k3s's scheduled snapshots: every server on embedded etcd saves one of its member at each time
// of --etcd-snapshot-schedule-cron (default 0 */12 * * *) as etcd-snapshot-<node>-<unix time>,
// and keeps the newest --etcd-snapshot-retention (default 5) of those.
import type { CronSchedule } from '../../util/cron.js';
import { parseCron, runOnSchedule } from '../../util/cron.js';
import { localEtcdClient } from './local.js';
import { defaultSnapshotDir, pruneSnapshots, saveSnapshot, SCHEDULED_NAME } from './snapshot.js';

export const DEFAULT_SNAPSHOT_CRON = '0 */12 * * *';
export const DEFAULT_SNAPSHOT_RETENTION = 5;

export interface SnapshotScheduleOptions {
  disable?: boolean;
  schedule?: CronSchedule;
  retention?: number;
  dir?: string;
  /** Base name (k3s's --etcd-snapshot-name, default etcd-snapshot). */
  name?: string;
}

export function startScheduledSnapshots(dataDir: string, o: SnapshotScheduleOptions, log: (line: string) => void): { stop(): void } {
  const dir = o.dir ?? defaultSnapshotDir(dataDir);
  const name = o.name ?? SCHEDULED_NAME;
  const retention = o.retention ?? DEFAULT_SNAPSHOT_RETENTION;
  return runOnSchedule(o.schedule ?? parseCron(DEFAULT_SNAPSHOT_CRON), async () => {
    const client = localEtcdClient(dataDir);
    try {
      const s = await saveSnapshot({ client, dir, name });
      const pruned = pruneSnapshots(dir, name, retention);
      log(`etcd: scheduled snapshot ${s.name} saved (${(s.size / 1024 / 1024).toFixed(1)} MiB, sha256 verified, ${s.seconds.toFixed(1)} s)${pruned.length ? `; pruned ${pruned.map((p) => p.name).join(', ')} (retention ${retention})` : ''}`);
    } catch (err) {
      log(`etcd: scheduled snapshot failed: ${(err as Error).message}`);
    } finally {
      client.close();
    }
  });
}
