// An OCI image layout, as one tar file, from a root filesystem directory: one uncompressed layer,
// the image config, the manifest and index.json, all with zero timestamps so the same input gives
// the same digests. containerd imports it (ctr images import) under the name in the index.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readlink, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { TarWriter, type TarHeader } from './tar.js';
import { parseImageReference, formatImageReference } from './reference.js';

export interface OciImageOptions {
  /** Image name, normalized (busybox → docker.io/library/busybox:latest). */
  name: string;
  rootfs: string;
  entrypoint?: string[];
  cmd?: string[];
  /** Default: a standard PATH. */
  env?: string[];
  workingDir?: string;
  user?: string;
  /** "80/tcp", "53/udp", or a bare port (tcp). */
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

export interface OciArchiveResult {
  name: string;
  /** Digest of the manifest (what a repo digest names). */
  manifestDigest: string;
  /** Digest of the config: the image id the CRI reports. */
  configDigest: string;
  layerDigest: string;
  /** Bytes of manifest, config and layer, as containerd counts an image's size. */
  size: number;
}

const EPOCH = '1970-01-01T00:00:00Z';
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MT_CONFIG = 'application/vnd.oci.image.config.v1+json';
const MT_LAYER = 'application/vnd.oci.image.layer.v1.tar';
const MT_INDEX = 'application/vnd.oci.image.index.v1+json';

/** The OCI architecture name of this machine. */
export function ociArchitecture(): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

/** A sink that writes to a file and hashes what it writes. */
class HashingFile {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(readonly fh: FileHandle) {}
  readonly write = async (chunk: Buffer): Promise<void> => {
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    let off = 0;
    while (off < chunk.length) off += (await this.fh.write(chunk, off, chunk.length - off)).bytesWritten;
  };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Tars the tree under `root` (not the root itself) in a fixed order, hard links as links. */
async function writeTree(tar: TarWriter, root: string): Promise<void> {
  const seen = new Map<string, string>();
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const names = (await readdir(dir)).sort(compareBytes);
    for (const name of names) {
      const path = join(dir, name);
      const rel = prefix + name;
      const st = await lstat(path);
      const base: TarHeader = { name: rel, type: 'file', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: 0 };
      if (st.isDirectory()) {
        await tar.add({ ...base, type: 'dir' });
        await walk(path, `${rel}/`);
      } else if (st.isSymbolicLink()) {
        await tar.add({ ...base, type: 'symlink', linkname: await readlink(path) });
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seen.get(key) : undefined;
        if (first !== undefined) {
          await tar.add({ ...base, type: 'link', linkname: first });
          continue;
        }
        if (st.nlink > 1) seen.set(key, rel);
        await tar.add({ ...base, size: st.size }, createReadStream(path));
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        // Linux's dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 and 20-31.
        const major = ((st.rdev >> 8) & 0xfff) | Math.floor(st.rdev / 2 ** 32) * 0x1000;
        const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
        await tar.add({ ...base, type: st.isCharacterDevice() ? 'char' : 'block', devmajor: major, devminor: minor });
      } else if (st.isFIFO()) {
        await tar.add({ ...base, type: 'fifo' });
      }
      // Sockets cannot be archived; images never need them.
    }
  };
  await walk(root, '');
}

function exposedPortsObject(ports: string[] | undefined): Record<string, Record<string, never>> | undefined {
  if (!ports || ports.length === 0) return undefined;
  const out: Record<string, Record<string, never>> = {};
  for (const p of ports) {
    const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535) throw new Error(`invalid exposed port "${p}": want PORT or PORT/tcp|udp|sctp`);
    out[`${m[1]}/${m[2] ?? 'tcp'}`] = {};
  }
  return out;
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Writes `out` (an OCI layout tar) atomically; returns the digests. */
export async function writeOciArchive(out: string, o: OciImageOptions): Promise<OciArchiveResult> {
  const ref = parseImageReference(o.name);
  if (ref.digest !== undefined) throw new Error(`image name "${o.name}" must not carry a digest`);
  const name = formatImageReference(ref);
  const ports = exposedPortsObject(o.exposedPorts);
  const root = await lstat(o.rootfs).catch(() => undefined);
  if (!root?.isDirectory()) throw new Error(`rootfs "${o.rootfs}" is not a directory`);

  const layerPath = `${out}.layer.${process.pid}.tmp`;
  const tmpOut = `${out}.${process.pid}.tmp`;
  try {
    const layerFh = await open(layerPath, 'w', 0o600);
    const layer = new HashingFile(layerFh);
    try {
      const tar = new TarWriter(layer.write);
      await writeTree(tar, o.rootfs);
      await tar.finish();
    } finally {
      await layerFh.close();
    }
    const layerDigest = `sha256:${layer.hash.digest('hex')}`;

    const imageConfig: Record<string, unknown> = { Env: o.env ?? [DEFAULT_PATH] };
    if (o.entrypoint) imageConfig['Entrypoint'] = o.entrypoint;
    if (o.cmd) imageConfig['Cmd'] = o.cmd;
    if (o.workingDir) imageConfig['WorkingDir'] = o.workingDir;
    if (o.user) imageConfig['User'] = o.user;
    if (ports) imageConfig['ExposedPorts'] = ports;
    if (o.labels) imageConfig['Labels'] = o.labels;
    const config = Buffer.from(
      JSON.stringify({
        created: EPOCH,
        architecture: ociArchitecture(),
        os: 'linux',
        config: imageConfig,
        rootfs: { type: 'layers', diff_ids: [layerDigest] },
        history: [{ created: EPOCH, created_by: 'k8ts: rootfs directory as one layer' }],
      }),
    );
    const configDigest = sha(config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT_MANIFEST,
        config: { mediaType: MT_CONFIG, digest: configDigest, size: config.length },
        layers: [{ mediaType: MT_LAYER, digest: layerDigest, size: layer.size }],
      }),
    );
    const manifestDigest = sha(manifest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT_INDEX,
        manifests: [
          {
            mediaType: MT_MANIFEST,
            digest: manifestDigest,
            size: manifest.length,
            platform: { architecture: ociArchitecture(), os: 'linux' },
            // containerd takes the full name from the first; the OCI annotation holds the tag only.
            annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': ref.tag ?? 'latest' },
          },
        ],
      }),
    );

    const outFh = await open(tmpOut, 'w', 0o644);
    try {
      const sink = new HashingFile(outFh);
      const tar = new TarWriter(sink.write);
      const file = (n: string, body: Buffer): Promise<void> => tar.add({ name: n, type: 'file', mode: 0o644, size: body.length }, body);
      await tar.add({ name: 'blobs', type: 'dir', mode: 0o755 });
      await tar.add({ name: 'blobs/sha256', type: 'dir', mode: 0o755 });
      await file(`blobs/sha256/${configDigest.slice(7)}`, config);
      await tar.add({ name: `blobs/sha256/${layerDigest.slice(7)}`, type: 'file', mode: 0o644, size: layer.size }, createReadStream(layerPath));
      await file(`blobs/sha256/${manifestDigest.slice(7)}`, manifest);
      await file('index.json', index);
      await file('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
      await tar.finish();
    } finally {
      await outFh.close();
    }
    await rename(tmpOut, out);
    return { name, manifestDigest, configDigest, layerDigest, size: manifest.length + config.length + layer.size };
  } finally {
    await rm(layerPath, { force: true });
    await rm(tmpOut, { force: true });
  }
}
