// Keys repeated within one object of a request body. JSON.parse and the YAML parser keep the
// last value silently; upstream's strict decoders report each repeat, which fieldValidation
// turns into an error (Strict) or a warning (Warn).
import { isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

/** Upstream stops collecting strict errors after this many. */
const MAX_REPORTED = 100;

interface Frame {
  object: boolean;
  /** Keys seen so far (objects only). */
  keys?: Set<string>;
  /** The key whose value is being read (objects), or the element index (arrays). */
  key?: string;
  index: number;
  expectKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** End (index of the closing quote) of the JSON string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE || Number.isNaN(c)) return i;
    else i++;
  }
}

/** A frame stack as upstream's strict field path: `spec.containers[0].env`. */
function pathOf(stack: readonly Frame[], field: string): string {
  let p = '';
  for (const f of stack.slice(0, -1)) {
    if (f.object) p += p ? `.${f.key}` : f.key;
    else p += `[${f.index}]`;
  }
  return p ? `${p}.${field}` : field;
}

/**
 * Paths of the keys that repeat within one object of a JSON text, in document order, deduplicated,
 * named as upstream's strict decoder names them. The text must already be valid JSON.
 */
export function findDuplicateJsonKeys(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const raw = text.slice(i, end + 1);
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (top.keys!.has(key)) {
          const p = pathOf(stack, key);
          if (!seen.has(p) && out.length < MAX_REPORTED) {
            seen.add(p);
            out.push(p);
          }
        } else top.keys!.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    switch (c) {
      case 0x7b: // {
        stack.push({ object: true, keys: new Set(), index: 0, expectKey: true });
        break;
      case 0x5b: // [
        stack.push({ object: false, index: 0, expectKey: false });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: {
        // ,
        const top = stack[stack.length - 1];
        if (top?.object) top.expectKey = true;
        else if (top) top.index++;
        break;
      }
    }
    i++;
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const v = key.value;
  // yaml.v2 prints the key with Go's %#v: strings quoted, numbers and booleans bare.
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/**
 * The strict YAML converter's complaints about repeated mapping keys, one per repeat in
 * document order: `line 7: key "a" already set in map`. `text` is the source `doc` was parsed from.
 */
export function findDuplicateYamlKeys(doc: Document, text: string): string[] {
  const out: string[] = [];
  const lineOf = (node: Node): number => {
    const offset = node.range?.[0] ?? 0;
    let line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
  const walk = (node: unknown): void => {
    if (out.length >= MAX_REPORTED || !node || isAlias(node)) return;
    if (isMap(node)) {
      const keys = new Set<string>();
      for (const pair of node.items) {
        const k = keyText(pair.key);
        if (k !== undefined) {
          if (keys.has(k)) out.push(`line ${lineOf(pair.key as Node)}: key ${k} already set in map`);
          else keys.add(k);
        }
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item);
    }
  };
  walk(doc.contents);
  return out;
}
