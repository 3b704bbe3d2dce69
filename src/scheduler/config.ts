// The scheduler's configuration file: a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)
// as kube-scheduler's --config reads it, strictly: an unknown field, or an upstream field k8ts does
// not implement, is an error rather than silently ignored. What k8ts honours: one profile
// (schedulerName, percentageOfNodesToScore, PodTopologySpread's args), the top-level
// percentageOfNodesToScore, pod backoff and leaderElection.leaderElect.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { TopologySpreadConstraint } from '../api/core/v1/pod/types.js';
import type { DefaultingType } from './plugins/pod-topology-spread.js';
import type { SchedulerOptions } from './scheduler.js';

export const SCHEDULER_CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';

export interface SchedulerConfig {
  options: Pick<SchedulerOptions, 'schedulerName' | 'percentageOfNodesToScore' | 'queue' | 'defaultingType' | 'defaultConstraints'>;
  leaderElect?: boolean;
}

/** Upstream fields k8ts knows but does not implement: named as such, not as unknown. */
const UNSUPPORTED_TOP = new Set(['parallelism', 'clientConnection', 'healthzBindAddress', 'metricsBindAddress', 'enableProfiling', 'enableContentionProfiling', 'extenders', 'delayCacheUntilActive']);
const UNSUPPORTED_LEADER = new Set(['leaseDuration', 'renewDeadline', 'retryPeriod', 'resourceLock', 'resourceName', 'resourceNamespace']);
const UPSTREAM_PLUGINS_WITH_ARGS = new Set(['DefaultPreemption', 'InterPodAffinity', 'NodeAffinity', 'NodeResourcesBalancedAllocation', 'NodeResourcesFit', 'VolumeBinding', 'DynamicResources']);
const CONSTRAINT_FIELDS = new Set(['maxSkew', 'topologyKey', 'whenUnsatisfiable', 'labelSelector', 'minDomains', 'nodeAffinityPolicy', 'nodeTaintsPolicy', 'matchLabelKeys']);
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

class ConfigError extends Error {}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, path: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new ConfigError(`${path}: must be an object`);
  return v;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ConfigError(`${path}: must be a list`);
  return v;
}

/** Refuses every key not in `known`, naming upstream-only fields as unsupported. */
function strict(o: Obj, path: string, known: ReadonlySet<string>, unsupported: ReadonlySet<string> = new Set()): void {
  for (const k of Object.keys(o)) {
    if (known.has(k)) continue;
    const at = path ? `${path}.${k}` : k;
    if (unsupported.has(k)) throw new ConfigError(`field "${at}" is not supported by k8ts`);
    throw new ConfigError(`strict decoding error: unknown field "${at}"`);
  }
}

function int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigError(`${path}: must be an integer`);
  if (v < min || v > max) throw new ConfigError(`${path}: Invalid value: ${v}: must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`}`);
  return v;
}

function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ConfigError(`${path}: must be a string`);
  return v;
}

/** Upstream's ValidatePodTopologySpreadArgs. */
function podTopologySpreadArgs(v: unknown, path: string): { defaultingType: DefaultingType; defaultConstraints: TopologySpreadConstraint[] } {
  const args = object(v, path);
  strict(args, path, new Set(['apiVersion', 'kind', 'defaultConstraints', 'defaultingType']));
  if (args['kind'] !== undefined && args['kind'] !== 'PodTopologySpreadArgs') throw new ConfigError(`${path}.kind: Invalid value: ${JSON.stringify(args['kind'])}: must be PodTopologySpreadArgs`);
  const type = str(args['defaultingType'], `${path}.defaultingType`) ?? 'System';
  if (type !== 'System' && type !== 'List') throw new ConfigError(`${path}.defaultingType: Unsupported value: "${type}": supported values: "List", "System"`);
  const constraints: TopologySpreadConstraint[] = [];
  const seen = new Set<string>();
  list(args['defaultConstraints'], `${path}.defaultConstraints`).forEach((raw, i) => {
    const at = `${path}.defaultConstraints[${i}]`;
    const c = object(raw, at);
    strict(c, at, CONSTRAINT_FIELDS);
    if (c['labelSelector'] !== undefined) throw new ConfigError(`${at}.labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod`);
    const maxSkew = int(c['maxSkew'], `${at}.maxSkew`, 1);
    if (maxSkew === undefined) throw new ConfigError(`${at}.maxSkew: Invalid value: 0: must be greater than zero`);
    const topologyKey = str(c['topologyKey'], `${at}.topologyKey`) ?? '';
    if (!topologyKey) throw new ConfigError(`${at}.topologyKey: Required value: can not be empty`);
    if (!QUALIFIED_NAME.test(topologyKey)) throw new ConfigError(`${at}.topologyKey: Invalid value: "${topologyKey}": must be a qualified name`);
    const when = str(c['whenUnsatisfiable'], `${at}.whenUnsatisfiable`) ?? '';
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') throw new ConfigError(`${at}.whenUnsatisfiable: Unsupported value: "${when}": supported values: "DoNotSchedule", "ScheduleAnyway"`);
    const pair = `{${topologyKey}, ${when}}`;
    if (seen.has(pair)) throw new ConfigError(`${at}: Duplicate value: "${pair}"`);
    seen.add(pair);
    const minDomains = int(c['minDomains'], `${at}.minDomains`, 1);
    const out: TopologySpreadConstraint = { maxSkew, topologyKey, whenUnsatisfiable: when };
    if (minDomains !== undefined) out.minDomains = minDomains;
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const p = str(c[policy], `${at}.${policy}`);
      if (p === undefined) continue;
      if (p !== 'Honor' && p !== 'Ignore') throw new ConfigError(`${at}.${policy}: Unsupported value: "${p}": supported values: "Honor", "Ignore"`);
      out[policy] = p;
    }
    if (c['matchLabelKeys'] !== undefined) out.matchLabelKeys = list(c['matchLabelKeys'], `${at}.matchLabelKeys`).map((k, j) => str(k, `${at}.matchLabelKeys[${j}]`) ?? '');
    constraints.push(out);
  });
  if (type === 'System' && constraints.length > 0) throw new ConfigError(`${path}.defaultConstraints: Invalid value: ${constraints.length} constraints: when .defaultingType is "System"`);
  return { defaultingType: type, defaultConstraints: constraints };
}

function profile(v: unknown, path: string, into: SchedulerConfig['options']): void {
  const p = object(v, path);
  strict(p, path, new Set(['schedulerName', 'percentageOfNodesToScore', 'pluginConfig']), new Set(['plugins']));
  const name = str(p['schedulerName'], `${path}.schedulerName`);
  if (name !== undefined) into.schedulerName = name;
  const pct = int(p['percentageOfNodesToScore'], `${path}.percentageOfNodesToScore`, 0, 100);
  if (pct !== undefined) into.percentageOfNodesToScore = pct;
  const names = new Set<string>();
  list(p['pluginConfig'], `${path}.pluginConfig`).forEach((raw, i) => {
    const at = `${path}.pluginConfig[${i}]`;
    const pc = object(raw, at);
    strict(pc, at, new Set(['name', 'args']));
    const plugin = str(pc['name'], `${at}.name`) ?? '';
    if (names.has(plugin)) throw new ConfigError(`${at}.name: Duplicate value: "${plugin}"`);
    names.add(plugin);
    if (plugin === 'PodTopologySpread') Object.assign(into, podTopologySpreadArgs(pc['args'], `${at}.args`));
    else if (UPSTREAM_PLUGINS_WITH_ARGS.has(plugin)) throw new ConfigError(`${at}: pluginConfig for plugin "${plugin}" is not supported by k8ts`);
    else throw new ConfigError(`${at}.name: Invalid value: "${plugin}": no plugin of that name takes args`);
  });
}

/** Parses and validates the file's text; throws an Error with a one-line message. */
export function parseSchedulerConfig(text: string): SchedulerConfig {
  let doc: unknown;
  try {
    doc = parse(text, { uniqueKeys: true });
  } catch (err) {
    throw new Error(`not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const top = object(doc, 'config');
    strict(top, '', new Set(['apiVersion', 'kind', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'leaderElection', 'profiles']), UNSUPPORTED_TOP);
    if (top['apiVersion'] !== SCHEDULER_CONFIG_API_VERSION) throw new ConfigError(`apiVersion: must be ${SCHEDULER_CONFIG_API_VERSION}, not ${JSON.stringify(top['apiVersion'] ?? '')}`);
    if (top['kind'] !== 'KubeSchedulerConfiguration') throw new ConfigError(`kind: must be KubeSchedulerConfiguration, not ${JSON.stringify(top['kind'] ?? '')}`);
    const config: SchedulerConfig = { options: {} };
    const pct = int(top['percentageOfNodesToScore'], 'percentageOfNodesToScore', 0, 100);
    if (pct !== undefined) config.options.percentageOfNodesToScore = pct;
    const initial = int(top['podInitialBackoffSeconds'], 'podInitialBackoffSeconds', 1);
    const max = int(top['podMaxBackoffSeconds'], 'podMaxBackoffSeconds', 1);
    if ((initial ?? 1) > (max ?? 10)) throw new ConfigError(`podMaxBackoffSeconds: Invalid value: ${max ?? 10}: must be greater than or equal to PodInitialBackoffSeconds`);
    if (initial !== undefined || max !== undefined) config.options.queue = { ...(initial !== undefined ? { initialBackoffMs: initial * 1000 } : {}), ...(max !== undefined ? { maxBackoffMs: max * 1000 } : {}) };
    const le = object(top['leaderElection'], 'leaderElection');
    strict(le, 'leaderElection', new Set(['leaderElect']), UNSUPPORTED_LEADER);
    if (le['leaderElect'] !== undefined) {
      if (typeof le['leaderElect'] !== 'boolean') throw new ConfigError('leaderElection.leaderElect: must be a boolean');
      config.leaderElect = le['leaderElect'];
    }
    const profiles = list(top['profiles'], 'profiles');
    if (profiles.length > 1) throw new ConfigError(`profiles: k8ts runs one scheduler profile, the file has ${profiles.length}`);
    if (profiles.length) profile(profiles[0], 'profiles[0]', config.options);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(err.message);
    throw err;
  }
}

/** Reads and parses a --config file; the error names the file. */
export function loadSchedulerConfig(path: string): SchedulerConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`scheduler config ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    return parseSchedulerConfig(text);
  } catch (err) {
    throw new Error(`scheduler config ${path}: ${(err as Error).message}`);
  }
}
