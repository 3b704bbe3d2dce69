// Prometheus exposition shared by every component: a registry per component instance (never
// prom-client's global one: `k8ts server` runs several components in one process and tests start
// many servers in one), the process and Node.js runtime metrics, and the text served at /metrics.
import { collectDefaultMetrics, Registry } from 'prom-client';

/** The text format 0.0.4, what component-base's handler serves (it offers no OpenMetrics). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * A registry of its own; with `processMetrics`, process_* and nodejs_* too (one registry per
 * process should carry them: the collectors read process-wide figures).
 */
export function newRegistry(o: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (o.processMetrics) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * The exposition of several registries as one (the in-process components served by one endpoint,
 * as k3s's supervisor serves them). Names must not repeat across them: Registry.merge refuses.
 */
export async function exposition(registries: readonly Registry[]): Promise<string> {
  if (registries.length === 1) return registries[0]!.metrics();
  return Registry.merge([...registries]).metrics();
}

/** One sample of a metric family written by hand: what prom-client cannot say (timestamps). */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, as the text format carries it. */
  timestampMs?: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'untyped';
  samples: readonly Sample[];
}

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/**
 * Families in the text format with per-sample timestamps, as the kubelet's /metrics/resource and
 * /metrics/cadvisor carry them (the time each figure was read, not the scrape's). prom-client
 * dropped timestamps in v12, so these collector-style families are written here.
 */
export function formatFamilies(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels ?? {});
      const ls = labels.length ? `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}` : '';
      out.push(`${f.name}${ls} ${formatValue(s.value)}${s.timestampMs !== undefined ? ` ${Math.round(s.timestampMs)}` : ''}`);
    }
  }
  return out.length ? `${out.join('\n')}\n` : '';
}
