// Images k8ts provides without a registry: the pod sandbox (pause) image, from dist/pause built
// out of native/pause.c, and a busybox image from the host's busybox-static for tests, benches
// and users. Both are built as OCI archives (deterministic, so an unchanged input keeps its
// digest) and imported into the node's containerd when it lacks them.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cachedBuild } from './build-cache.js';
import { ctr } from './ctr.js';
import { importImageArchive } from './import.js';
import { parseCtrImageList } from './list.js';
import { writeOciArchive, type OciArchiveResult } from './oci-archive.js';

export const PAUSE_IMAGE = 'k8ts.io/pause:3.10';
export const BUSYBOX_IMAGE = 'docker.io/library/busybox:latest';

export type BuiltinImage = 'pause' | 'busybox';

/** dist/pause, next to the compiled code (dist/src/kubelet/images/ → dist/). */
export function defaultPauseBinary(): string {
  return fileURLToPath(new URL('../../../pause', import.meta.url));
}

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** A scratch rootfs beside `out` (same filesystem), removed after `fn`. */
async function withStaging<T>(out: string, fn: (rootfs: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(out), { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(dirname(out), '.rootfs-'));
  try {
    await chmod(dir, 0o755);
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The pause image: /pause alone, run as 65535 as upstream's pause image is. */
export async function buildPauseImage(out: string, name = PAUSE_IMAGE, pauseBinary = defaultPauseBinary()): Promise<OciArchiveResult> {
  if (!(await executable(pauseBinary))) {
    throw new Error(`the pod sandbox binary ${pauseBinary} is missing: build it with scripts/build-pause.sh (needs gcc)`);
  }
  return withStaging(out, async (rootfs) => {
    await copyFile(pauseBinary, join(rootfs, 'pause'));
    await chmod(join(rootfs, 'pause'), 0o755);
    return writeOciArchive(out, { name, rootfs, entrypoint: ['/pause'], user: '65535:65535', env: [] });
  });
}

/** Bump when what the builders put into an image changes for the same source binary. */
const BUILDER_REVISION = 1;

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

/**
 * Lays out busybox's root filesystem in `rootfs` (created if needed): the host's busybox-static
 * with every applet linked where busybox installs it, root and nobody users, a sticky /tmp.
 */
export async function buildBusyboxRootfs(rootfs: string, busybox = '/bin/busybox'): Promise<void> {
  if (!(await executable(busybox))) throw new Error(`${busybox} is missing: install busybox-static`);
  const run = promisify(execFile);
  const { stdout } = await run(busybox, ['--list-full'], { encoding: 'utf8' }).catch(async () => ({
    // Builds without --list-full: every applet in /bin.
    stdout: (await run(busybox, ['--list'], { encoding: 'utf8' })).stdout.replace(/^(?=.)/gm, 'bin/'),
  }));
  const applets = stdout.split('\n').map((l) => l.trim()).filter((l) => /^[\w./[\]-]+$/.test(l) && !l.includes('..') && !l.startsWith('/'));
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'dev', 'proc', 'sys', 'home', 'var/www', 'root', 'tmp']) {
    await mkdir(join(rootfs, d), { recursive: true, mode: 0o755 });
  }
  await chmod(rootfs, 0o755);
  await chmod(join(rootfs, 'root'), 0o700);
  await chmod(join(rootfs, 'tmp'), 0o1777);
  await copyFile(busybox, join(rootfs, 'bin/busybox'));
  await chmod(join(rootfs, 'bin/busybox'), 0o755);
  for (const a of applets) {
    if (a === 'bin/busybox') continue;
    await mkdir(join(rootfs, dirname(a)), { recursive: true, mode: 0o755 });
    await symlink('/bin/busybox', join(rootfs, a)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  await writeFile(join(rootfs, 'etc/passwd'), PASSWD, { mode: 0o644 });
  await writeFile(join(rootfs, 'etc/group'), GROUP, { mode: 0o644 });
}

/** The busybox image (Cmd sh) as an OCI archive at `out`. */
export async function buildBusyboxImage(out: string, name = BUSYBOX_IMAGE, busybox = '/bin/busybox'): Promise<OciArchiveResult> {
  return withStaging(out, async (rootfs) => {
    await buildBusyboxRootfs(rootfs, busybox);
    return writeOciArchive(out, { name, rootfs, cmd: ['sh'] });
  });
}

export interface EnsureOptions {
  pauseBinary?: string;
  busybox?: string;
  log?: (line: string) => void;
}

/**
 * Makes the named builtin images present in the containerd at `endpoint`: builds each archive
 * under <dataDir>/images and imports it unless containerd already has that exact manifest.
 * Resolves to the image names.
 */
export async function ensureBuiltinImages(endpoint: string, dataDir: string, which: BuiltinImage[] = ['pause'], o: EnsureOptions = {}): Promise<string[]> {
  const dir = join(dataDir, 'images');
  const present = parseCtrImageList((await ctr(endpoint, ['images', 'ls'])).toString('utf8'));
  const names: string[] = [];
  for (const image of which) {
    const archive = join(dir, `builtin-${image}.tar`);
    const source = image === 'pause' ? (o.pauseBinary ?? defaultPauseBinary()) : (o.busybox ?? '/bin/busybox');
    const name = image === 'pause' ? PAUSE_IMAGE : BUSYBOX_IMAGE;
    const recipe = JSON.stringify([BUILDER_REVISION, name, image === 'busybox' ? [PASSWD, GROUP] : []]);
    const built = await cachedBuild(archive, source, recipe, () => (image === 'pause' ? buildPauseImage(archive, name, source) : buildBusyboxImage(archive, name, source)));
    names.push(built.name);
    if (present.some((r) => r.ref === built.name && r.digest === built.manifestDigest)) continue;
    await importImageArchive(endpoint, archive);
    o.log?.(`image ${built.name} (${built.configDigest.slice(7, 19)}) imported`);
  }
  return names;
}
