// Content negotiation: which representation the client asked for in Accept.
export type Representation = 'object' | 'table' | 'partial-metadata' | 'discovery-v2';

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim()] = kv.slice(eq + 1).trim();
    }
    return { type: (type ?? '').toLowerCase(), params: p };
  });
}

const jsonish = new Set(['application/json', '*/*', 'application/*', 'application/yaml', '']);

/** The first range we can serve decides, as upstream's negotiation does. */
export function negotiate(accept: string | undefined): { representation: Representation; yaml: boolean; ok: boolean } {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { representation: 'object', yaml: false, ok: true };
  for (const r of ranges) {
    if (!jsonish.has(r.type)) continue;
    const as = r.params['as'];
    const yaml = r.type === 'application/yaml';
    if (!as) return { representation: 'object', yaml, ok: true };
    if (as === 'Table' && r.params['g'] === 'meta.k8s.io' && (r.params['v'] === 'v1' || r.params['v'] === 'v1beta1')) return { representation: 'table', yaml, ok: true };
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && r.params['g'] === 'meta.k8s.io' && (r.params['v'] === 'v1' || r.params['v'] === 'v1beta1')) {
      return { representation: 'partial-metadata', yaml, ok: true };
    }
    if (as === 'APIGroupDiscoveryList' && r.params['g'] === 'apidiscovery.k8s.io' && r.params['v'] === 'v2') return { representation: 'discovery-v2', yaml, ok: true };
  }
  // Only protobuf or unknown forms asked for: upstream answers 406; JSON readers asked for protobuf first but accept JSON.
  const onlyProto = ranges.every((r) => r.type.includes('protobuf'));
  return { representation: 'object', yaml: false, ok: !onlyProto };
}
