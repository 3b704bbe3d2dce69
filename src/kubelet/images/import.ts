// `k8ts image import`: loads image tarballs (OCI image layout or `docker save` output) into the
// node's containerd, in the CRI's namespace, unpacked with the snapshotter, so pods can use them
// with imagePullPolicy IfNotPresent or Never. ctr does the work: it understands both formats.
import { stat } from 'node:fs/promises';
import { ctr } from './ctr.js';

export interface ImportOptions {
  /** Snapshotter to unpack into; must be the CRI's (default overlayfs, as ctr's). */
  snapshotter?: string;
  ctrBinary?: string;
}

/** Imports one tarball; resolves to the names of the images it held. */
export async function importImageArchive(endpoint: string, file: string, o: ImportOptions = {}): Promise<string[]> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) throw new Error(`${file}: no such file`);
  const args = ['images', 'import'];
  if (o.snapshotter) args.push('--snapshotter', o.snapshotter);
  args.push(file);
  const out = (await ctr(endpoint, args, { binary: o.ctrBinary, timeoutMs: 10 * 60_000 })).toString('utf8');
  // ctr prints "unpacking <name> (sha256:…)...done" for each image it imported.
  const names: string[] = [];
  for (const m of out.matchAll(/^unpacking (\S+) \((sha256:[0-9a-f]{64})\)/gm)) if (m[1] && !names.includes(m[1])) names.push(m[1]);
  if (names.length === 0) throw new Error(`${file}: no named image found in the archive`);
  return names;
}
