// Scrapes read as Prometheus reads them: a strict parser of the text exposition format 0.0.4
// (Prometheus's exposition_formats.md grammar). It throws on what Prometheus would reject: a
// malformed line, a bad metric or label name, a bad escape, a sample of a family whose TYPE came
// later or that is split apart, a repeated family or series, a histogram without a +Inf bucket,
// with decreasing buckets or with a +Inf bucket that is not its count.
// (npm's parse-prometheus-text-format folds every labelled histogram into one, so it cannot check
// upstream's histograms.)

export interface ParsedSample {
  /** Counters, gauges, untyped: the value. */
  value?: number;
  labels: Record<string, string>;
  timestampMs?: number;
  /** Histograms: upper bound (as written) → cumulative count. */
  buckets?: Record<string, number>;
  count?: number;
  sum?: number;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  metrics: ParsedSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseNumber(s: string, line: string): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad number "${s}" in: ${line}`);
  return Number(s);
}

/** `{a="x",b="y\"z"}` from position i (at `{`); returns the labels and the position after `}`. */
function parseLabels(line: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`bad labels in: ${line}`);
    const name = line.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name "${name}" in: ${line}`);
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    if (line[eq + 1] !== '"') throw new Error(`unquoted label value in: ${line}`);
    let v = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] !== '\\') {
        v += line[j];
        continue;
      }
      const e = line[++j];
      if (e === 'n') v += '\n';
      else if (e === '\\' || e === '"') v += e;
      else throw new Error(`bad escape \\${e} in: ${line}`);
    }
    if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
    labels[name] = v;
    i = j + 1;
    if (line[i] === ',') i++;
    else if (line[i] !== '}') throw new Error(`expected , or } in: ${line}`);
  }
}

interface Line {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

function parseSampleLine(line: string): Line {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
  if (!m) throw new Error(`bad sample line: ${line}`);
  let labels: Record<string, string> = {};
  let i = m[1]!.length;
  if (line[i] === '{') [labels, i] = parseLabels(line, i);
  const rest = line.slice(i).trim().split(/\s+/);
  if (line[i] !== ' ' || rest.length < 1 || rest.length > 2) throw new Error(`bad sample line: ${line}`);
  const timestampMs = rest[1] === undefined ? undefined : Number(rest[1]);
  if (timestampMs !== undefined && !Number.isInteger(timestampMs)) throw new Error(`bad timestamp in: ${line}`);
  return { name: m[1]!, labels, value: parseNumber(rest[0]!, line), timestampMs };
}

/** The family a sample line belongs to: histogram series carry _bucket/_sum/_count suffixes. */
function familyOf(name: string, families: Map<string, ParsedFamily>): [ParsedFamily | undefined, string] {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (base && (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket'))) return [base, suffix];
  }
  return [families.get(name), ''];
}

const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

/** The families of a scrape by name; throws on text Prometheus would not accept. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  let current: ParsedFamily | undefined;
  const seen = new Set<string>();
  const open = (name: string): ParsedFamily => {
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name "${name}"`);
    let f = families.get(name);
    if (f && closed.has(name)) throw new Error(`metric family ${name} appears twice`);
    if (!f) families.set(name, (f = { name, help: '', type: 'untyped', metrics: [] }));
    if (current && current !== f) closed.add(current.name);
    current = f;
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) continue; // other comments are ignored
      const f = open(m[2]!);
      if (m[1] === 'HELP') f.help = (m[3] ?? '').replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else {
        if (f.metrics.length) throw new Error(`TYPE of ${f.name} after its samples`);
        if (!TYPES.has(m[3] ?? '')) throw new Error(`bad type "${m[3]}" of ${f.name}`);
        f.type = m[3] as ParsedFamily['type'];
      }
      continue;
    }
    const s = parseSampleLine(line);
    const [known, suffix] = familyOf(s.name, families);
    const f = known && known === current ? known : open(known?.name ?? s.name);
    const key = `${s.name}${seriesKey(s.labels)}`;
    if (seen.has(key)) throw new Error(`series ${key} twice`);
    seen.add(key);
    if (f.type !== 'histogram' && f.type !== 'summary') {
      f.metrics.push({ value: s.value, labels: s.labels, timestampMs: s.timestampMs });
      continue;
    }
    const { le, quantile, ...others } = s.labels;
    if (f.type === 'histogram' && suffix === '_bucket' && le === undefined) throw new Error(`bucket without le: ${line}`);
    // A series is its labels less `le` (histograms) or `quantile` (summaries).
    const base = f.type === 'histogram' ? (quantile !== undefined ? { ...others, quantile } : others) : le !== undefined ? { ...others, le } : others;
    const k = seriesKey(base);
    let sample = f.metrics.find((m) => seriesKey(m.labels) === k);
    if (!sample) f.metrics.push((sample = { labels: base, buckets: f.type === 'histogram' ? {} : undefined }));
    if (suffix === '_bucket') sample.buckets![le!] = s.value;
    else if (suffix === '_sum') sample.sum = s.value;
    else if (suffix === '_count') sample.count = s.value;
    else if (f.type === 'summary' && quantile === undefined) throw new Error(`summary sample without quantile: ${line}`);
  }
  for (const f of families.values()) {
    if (f.type !== 'histogram') continue;
    for (const m of f.metrics) {
      const bounds = Object.entries(m.buckets ?? {}).map(([le, n]) => [parseNumber(le, le), n] as const).sort((a, b) => a[0] - b[0]);
      if (bounds.at(-1)?.[0] !== Infinity) throw new Error(`${f.name}${seriesKey(m.labels)} has no +Inf bucket`);
      for (let i = 1; i < bounds.length; i++) if (bounds[i]![1] < bounds[i - 1]![1]) throw new Error(`${f.name}${seriesKey(m.labels)}: buckets decrease`);
      if (m.count !== bounds.at(-1)![1]) throw new Error(`${f.name}${seriesKey(m.labels)}: +Inf bucket is not the count`);
    }
  }
  return families;
}

/** The family, or an error naming it when the scrape lacks it. */
export function family(families: Map<string, ParsedFamily>, name: string): ParsedFamily {
  const f = families.get(name);
  if (!f) throw new Error(`no ${name} in the scrape (has ${[...families.keys()].slice(0, 30).join(', ')}…)`);
  return f;
}

/** The samples whose labels include all of `labels`. */
export function samples(f: ParsedFamily, labels: Record<string, string> = {}): ParsedSample[] {
  return f.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels[k] === v));
}

/** The sum of the values (or histogram counts) of the samples matching `labels`. */
export function total(f: ParsedFamily, labels: Record<string, string> = {}): number {
  return samples(f, labels).reduce((sum, m) => sum + (m.value ?? m.count ?? 0), 0);
}
