// Go (RE2) patterns as JavaScript regular expressions: RE2's inline flag groups (`(?i)`) and its
// \A / \z anchors. Compiled once per pattern.
const cache = new Map<string, RegExp | Error>();

export function goRegExp(pattern: string): RegExp | Error {
  let hit = cache.get(pattern);
  if (hit) return hit;
  let src = pattern;
  let flags = '';
  // RE2's inline flags (`(?i)`, at the start or after `^` in real CRDs) become the pattern's
  // flags; JavaScript has no inline form. Applying them to the whole pattern is exact for a
  // leading flag group, which is the form these patterns use.
  src = src.replace(/\(\?([imsU]+)\)/g, (_, f: string) => {
    for (const c of f) if ((c === 'i' || c === 'm' || c === 's') && !flags.includes(c)) flags += c;
    return '';
  });
  src = src.replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    hit = new RegExp(src, flags);
  } catch (err) {
    hit = err as Error;
  }
  if (cache.size > 4096) cache.clear();
  cache.set(pattern, hit);
  return hit;
}
