// A built image archive is kept with a record of what it was built from: the source file's path,
// size and modification time, and the builder's own inputs. An agent that starts again with the
// same inputs reuses the archive and its digests instead of building it again (a few hundred ms
// of every start, for busybox).
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { OciArchiveResult } from './oci-archive.js';

interface BuildRecord {
  key: string;
  built: OciArchiveResult;
}

async function sourceKey(source: string, recipe: string): Promise<string | undefined> {
  const st = await stat(source).catch(() => undefined);
  return st && JSON.stringify([source, st.size, st.mtimeMs, st.ino, recipe]);
}

/**
 * The archive at `archive`, built by `build` unless the record beside it says it was built from
 * the same `source` file (unchanged) and the same `recipe` (what else shapes the image: its name,
 * the builder's fixed contents).
 */
export async function cachedBuild(archive: string, source: string, recipe: string, build: () => Promise<OciArchiveResult>): Promise<OciArchiveResult> {
  const recordPath = `${archive}.json`;
  const key = await sourceKey(source, recipe);
  // No source to key on: the builder says what is missing.
  if (key === undefined) return build();
  const record = await readFile(recordPath, 'utf8').then((t) => JSON.parse(t) as BuildRecord, () => undefined);
  const archiveThere = await stat(archive).then((s) => s.isFile(), () => false);
  if (record?.key === key && archiveThere) return record.built;
  const built = await build();
  await writeFile(recordPath, JSON.stringify({ key, built } satisfies BuildRecord), { mode: 0o644 });
  return built;
}
