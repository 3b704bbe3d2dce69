// Completion indexes of an Indexed Job, and the interval text status.completedIndexes uses
// ("1,3-5,7"), as upstream formats it.

export const COMPLETION_INDEX_KEY = 'batch.kubernetes.io/job-completion-index';

export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  if (!text) return out;
  for (const part of text.split(',')) {
    const [a, b] = part.split('-');
    const lo = Number.parseInt(a ?? '', 10);
    const hi = b === undefined ? lo : Number.parseInt(b, 10);
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) continue;
    for (let i = lo; i <= hi && i < completions; i++) out.add(i);
  }
  return out;
}

export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The index a pod runs, from its annotation (or label); undefined when missing or invalid. */
export function podIndex(pod: { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } }): number | undefined {
  const text = pod.metadata.annotations?.[COMPLETION_INDEX_KEY] ?? pod.metadata.labels?.[COMPLETION_INDEX_KEY];
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number.parseInt(text, 10);
}
