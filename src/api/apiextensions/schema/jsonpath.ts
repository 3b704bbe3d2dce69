// The JSONPath subset CRDs use (printer columns, selectable fields, scale paths): fields
// (`.spec.x`, `['a.b']`), indexes (`[0]`, `[*]`) and filters (`[?(@.type=="Ready")]`).
// Results are every match, in document order.
type Step = { field: string } | { index: number } | { all: true } | { filter: { path: string[]; value: unknown } };

const cache = new Map<string, Step[] | Error>();

export function parseJsonPath(path: string): Step[] | Error {
  const hit = cache.get(path);
  if (hit) return hit;
  let out: Step[] | Error;
  try {
    out = parse(path);
  } catch (err) {
    out = err as Error;
  }
  if (cache.size > 4096) cache.clear();
  cache.set(path, out);
  return out;
}

function parse(src: string): Step[] {
  let p = src.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  if (p.startsWith('$')) p = p.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '.') {
      i++;
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      const name = p.slice(i, j);
      if (!name) throw new Error(`invalid JSONPath ${src}`);
      steps.push(name === '*' ? { all: true } : { field: name });
      i = j;
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed [ in JSONPath ${src}`);
      let body = p.slice(i + 1, end);
      if (body.startsWith('?(')) {
        // A filter may itself contain ']' inside quotes; find the closing ')]'.
        const close = p.indexOf(')]', i);
        if (close < 0) throw new Error(`unclosed filter in JSONPath ${src}`);
        body = p.slice(i + 3, close);
        const m = /^@((?:\.[^.=!<> ]+)+)\s*==\s*(.+)$/.exec(body.trim());
        if (!m) throw new Error(`unsupported filter in JSONPath ${src}`);
        const raw = m[2]!.trim();
        const value = /^["'].*["']$/.test(raw) ? raw.slice(1, -1) : raw === 'true' ? true : raw === 'false' ? false : Number(raw);
        steps.push({ filter: { path: m[1]!.slice(1).split('.'), value } });
        i = close + 2;
        continue;
      }
      if (body === '*') steps.push({ all: true });
      else if (/^-?\d+$/.test(body)) steps.push({ index: Number(body) });
      else if (/^'.*'$|^".*"$/.test(body)) steps.push({ field: body.slice(1, -1) });
      else throw new Error(`unsupported JSONPath ${src}`);
      i = end + 1;
    } else {
      // A path may start without a dot (`spec.x`).
      let j = i;
      while (j < p.length && p[j] !== '.' && p[j] !== '[') j++;
      steps.push({ field: p.slice(i, j) });
      i = j;
    }
  }
  return steps;
}

export function findJsonPath(obj: unknown, path: string): unknown[] {
  const steps = parseJsonPath(path);
  if (steps instanceof Error) return [];
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || typeof v !== 'object') continue;
      if ('field' in s) {
        if (!Array.isArray(v)) {
          const x = (v as Record<string, unknown>)[s.field];
          if (x !== undefined) next.push(x);
        }
      } else if ('index' in s) {
        if (Array.isArray(v)) {
          const x = v[s.index < 0 ? v.length + s.index : s.index];
          if (x !== undefined) next.push(x);
        }
      } else if ('all' in s) {
        next.push(...(Array.isArray(v) ? v : Object.values(v)));
      } else {
        const items = Array.isArray(v) ? v : [v];
        for (const it of items) {
          let x: unknown = it;
          for (const f of s.filter.path) x = x && typeof x === 'object' ? (x as Record<string, unknown>)[f] : undefined;
          if (x === s.filter.value) next.push(it);
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** The first match of a path, or undefined. */
export function simpleJsonPath(obj: unknown, path: string): unknown {
  return findJsonPath(obj, path.startsWith('.') || path.startsWith('[') ? path : `.${path}`)[0];
}
