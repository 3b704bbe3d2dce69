// The node's images as the CRI reports them (id = config digest, repo tags, repo digests, size),
// read through ctr: every reference in the CRI namespace, grouped by the image it names.
import type { Image } from '../runtime.js';
import { ctr } from './ctr.js';
import { ociArchitecture } from './oci-archive.js';

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  platform?: { architecture?: string; os?: string };
}

interface ManifestLike {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

async function content(endpoint: string, digest: string): Promise<Buffer> {
  if (!DIGEST.test(digest)) throw new Error(`unexpected digest "${digest}"`);
  return ctr(endpoint, ['content', 'get', digest], { buffer: true });
}

/** Config digest and size of the image a manifest (or an index, for this platform) describes. */
async function resolveImage(endpoint: string, digest: string, depth = 0): Promise<{ id: string; size: number }> {
  const raw = await content(endpoint, digest);
  const doc = JSON.parse(raw.toString('utf8')) as ManifestLike;
  if (doc.manifests) {
    if (depth > 2) throw new Error(`${digest}: nested indexes`);
    const arch = ociArchitecture();
    const pick = doc.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === arch) ?? doc.manifests[0];
    if (!pick) throw new Error(`${digest}: empty index`);
    const inner = await resolveImage(endpoint, pick.digest, depth + 1);
    return { id: inner.id, size: inner.size + raw.length };
  }
  if (!doc.config) throw new Error(`${digest}: not an image manifest`);
  const layers = (doc.layers ?? []).reduce((n, l) => n + l.size, 0);
  return { id: doc.config.digest, size: raw.length + doc.config.size + layers };
}

/** Parses `ctr images ls` rows: REF TYPE DIGEST SIZE PLATFORMS LABELS. */
export function parseCtrImageList(text: string): { ref: string; digest: string }[] {
  const rows: { ref: string; digest: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const digest = cols.find((c) => DIGEST.test(c));
    if (cols[0] && digest && cols[0] !== digest) rows.push({ ref: cols[0], digest });
  }
  return rows;
}

export async function listNodeImages(endpoint: string): Promise<Image[]> {
  const rows = parseCtrImageList((await ctr(endpoint, ['images', 'ls'])).toString('utf8'));
  const byManifest = new Map<string, { id: string; size: number }>();
  for (const { digest } of rows) if (!byManifest.has(digest)) byManifest.set(digest, await resolveImage(endpoint, digest));
  const images = new Map<string, Image>();
  for (const { ref, digest } of rows) {
    const resolved = byManifest.get(digest)!;
    let img = images.get(resolved.id);
    if (!img) images.set(resolved.id, (img = { id: resolved.id, repoTags: [], repoDigests: [], size: resolved.size }));
    // The CRI names each image by its id too; that reference is the id, not a tag.
    if (DIGEST.test(ref)) continue;
    if (ref.includes('@')) img.repoDigests.push(ref);
    else img.repoTags.push(ref);
  }
  return [...images.values()];
}
