#!/usr/bin/env node
// The layer rule of DESIGN.md §3, checked: imports between our files point down the layer table
// and never go round in a circle. Tests (`*.test.ts`), `testing/` folders and `src/test/` may reach
// across layers; shipped code may not import them. `import type` counts: a type dependency is a
// dependency. Prints one line per violation (file, import, rule) and exits 1 when there is any.
// Usage: node scripts/lint-layers.mjs [source root, default src]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const COMPONENTS = ['addons', 'controllers', 'scheduler', 'kubelet', 'proxy', 'netpol', 'podnet', 'dns', 'ingress', 'localpath', 'metrics', 'dashboard'];
const EVERYTHING = ['util', 'api', 'storage', 'apiserver', 'client', ...COMPONENTS, 'cli', 'cluster'];

/** For each top-level folder, the other folders it may import (its own is always allowed). */
export const MAY_IMPORT = {
  util: [],
  api: ['util'],
  storage: ['api', 'util'],
  apiserver: ['api', 'storage', 'util'],
  client: ['api', 'util'],
  ...Object.fromEntries(COMPONENTS.map((c) => [c, ['api', 'client', 'util']])),
  cli: EVERYTHING,
  cluster: EVERYTHING,
};

/** Test code: test files, anything under a `testing/` folder, and the shared harness in src/test/. */
export function isTestFile(rel) {
  const parts = rel.split('/');
  return rel.endsWith('.test.ts') || parts.includes('testing') || parts[0] === 'test';
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Comments out, and every string literal reduced to a numbered placeholder, so that neither a
// commented-out import nor import-like text inside a string counts.
const TOKENS = /('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")|`(?:\\.|[^`\\])*`|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
const SPECIFIERS = [
  /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?[\w$*{][^;'"`]*?\sfrom\s*'(\d+)'/g, // import … from, export … from
  /(?:^|[^\w$.])import\s*'(\d+)'/g, // import 'side-effect'
  /(?:^|[^\w$.])import\s*\(\s*'(\d+)'\s*\)/g, // import('dynamic')
];

/** The relative module specifiers a TypeScript source imports, in order. */
export function importsOf(text) {
  const strings = [];
  const code = text.replace(TOKENS, (m, str) => (str ? `'${strings.push(str.slice(1, -1)) - 1}'` : ' '));
  const found = [];
  for (const re of SPECIFIERS) for (const m of code.matchAll(re)) found.push({ at: m.index, spec: strings[Number(m[1])] });
  return found.sort((a, b) => a.at - b.at).map((f) => f.spec).filter((s) => s.startsWith('.'));
}

/** The .ts file a specifier names (NodeNext: `./x.js` is `./x.ts`), or undefined outside the tree. */
function resolveImport(fromAbs, spec, files) {
  const base = resolve(dirname(fromAbs), spec);
  for (const cand of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (files.has(cand)) return cand;
  return undefined;
}

const toRel = (root, abs) => relative(root, abs).split(sep).join('/');
const layerOf = (rel) => (rel.includes('/') ? rel.split('/')[0] : '');

/** Strongly connected components of more than one file (or a file importing itself), Tarjan's way. */
function circles(graph) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push(scc);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest circle through `start` inside its component, as a list of files ending where it began. */
function circleThrough(start, scc, graph) {
  const inScc = new Set(scc);
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!inScc.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** Every violation under `root`, as lines `file: imports 'spec': rule`. */
export function lintLayers(root) {
  const abs = walk(root).sort();
  const files = new Set(abs);
  const graph = new Map();
  const specs = new Map();
  const problems = [];
  for (const file of abs) {
    const rel = toRel(root, file);
    const test = isTestFile(rel);
    const from = layerOf(rel);
    if (!test && !(from in MAY_IMPORT)) problems.push(`${rel}: in no layer of DESIGN.md's table (top-level folders: ${Object.keys(MAY_IMPORT).join(', ')})`);
    const edges = new Set();
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec, files);
      if (!target) continue;
      const to = toRel(root, target);
      if (test) continue;
      edges.add(to);
      specs.set(`${rel}\0${to}`, spec);
      const toLayer = layerOf(to);
      if (isTestFile(to)) problems.push(`${rel}: imports '${spec}': shipped code may not import test code (${to})`);
      else if (from in MAY_IMPORT && toLayer !== from && !MAY_IMPORT[from].includes(toLayer)) {
        const allowed = MAY_IMPORT[from].length ? MAY_IMPORT[from].join(', ') : 'nothing of ours';
        problems.push(`${rel}: imports '${spec}': ${from}/ may not import ${toLayer || 'top-level files'}/ (${from}/ may import ${allowed})`);
      }
    }
    if (!test) graph.set(rel, edges);
  }
  for (const scc of circles(graph)) {
    const start = [...scc].sort()[0];
    const path = circleThrough(start, scc, graph);
    const extra = scc.length > path.length - 1 ? ` (one of the circles among ${scc.length} files)` : '';
    problems.push(`${start}: imports '${specs.get(`${start}\0${path[1]}`)}': import circle ${path.join(' -> ')}${extra}`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const given = process.argv[2] ?? 'src';
  const root = resolve(given);
  if (!existsSync(root)) {
    console.error(`lint-layers: no such directory: ${root}`);
    process.exit(2);
  }
  const problems = lintLayers(root);
  for (const p of problems) console.log(`${toRel(process.cwd(), join(root, p.split(':')[0]))}${p.slice(p.indexOf(':'))}`);
  if (problems.length) {
    console.error(`lint-layers: ${problems.length} violation(s) of the layer table (DESIGN.md §3)`);
    process.exit(1);
  }
  console.log(`lint-layers: ${given}: no violations`);
}
