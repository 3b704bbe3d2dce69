// A container's environment as upstream's makeEnvironmentVariables builds it: envFrom first,
// then env (values expanded against what came before, or resolved from their source), then the
// service variables the container did not set itself.
import type { Container, EnvVar, Pod } from '../../api/core/v1/pod/types.js';
import type { ConfigMap, Secret, Service } from '../../api/core/v1/types.js';
import type { EventRecorder } from '../../client/events.js';
import type { KeyValue } from '../runtime.js';
import { expandVars, fieldRefValue, resourceFieldValue } from '../volumes/index.js';
import { ContainerConfigError } from './errors.js';
import { serviceEnvMap } from './service-env.js';

export interface EnvSources {
  pod: Pod;
  container: Container;
  podIP?: string;
  podIPs?: string[];
  hostIP: string;
  /** The node running the pod, for spec.nodeName when the pod object does not carry it yet. */
  nodeName?: string;
  services: Service[];
  getConfigMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<Secret | undefined>;
  /** What an unset limit means to resourceFieldRef. */
  nodeAllocatable?: Record<string, string>;
  recorder?: Pick<EventRecorder, 'event'>;
}

/** `$(NAME)` resolves through the first map that has NAME; unknown names stay as written. */
export function mappingFor(...maps: Array<ReadonlyMap<string, string>>): (name: string) => string {
  return (name) => {
    for (const m of maps) {
      const v = m.get(name);
      if (v !== undefined) return v;
    }
    return `$(${name})`;
  };
}

/** upstream's IsEnvVarName in its relaxed (1.32 default) form: printable ASCII without '='. */
function isEnvVarName(name: string): boolean {
  return /^[\x20-\x3c\x3e-\x7e]+$/.test(name);
}

const decodeSecret = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/** Fetches each referenced object once; a fetch failure other than not-found is a config error too. */
class ObjectCache<T> {
  private readonly got = new Map<string, T>();
  constructor(
    private readonly kind: 'configmap' | 'secret',
    private readonly fetch: (ns: string, name: string) => Promise<T | undefined>,
    private readonly namespace: string,
  ) {}

  /** The object, undefined when it is missing and optional; throws for a missing required one. */
  async get(name: string, optional: boolean): Promise<T | undefined> {
    const cached = this.got.get(name);
    if (cached) return cached;
    let obj: T | undefined;
    try {
      obj = await this.fetch(this.namespace, name);
    } catch (err) {
      throw new ContainerConfigError(err instanceof Error ? err.message : String(err));
    }
    if (!obj) {
      if (optional) return undefined;
      throw new ContainerConfigError(`${this.kind} "${name}" not found`);
    }
    this.got.set(name, obj);
    return obj;
  }
}

async function resolveSource(ev: EnvVar, s: EnvSources, cms: ObjectCache<ConfigMap>, secrets: ObjectCache<Secret>): Promise<string | undefined> {
  const from = ev.valueFrom!;
  const ns = s.pod.metadata.namespace ?? '';
  try {
    if (from.fieldRef) {
      if (from.fieldRef.fieldPath === 'spec.nodeName') return s.pod.spec?.nodeName || s.nodeName || '';
      const podIPs = s.podIPs?.length ? s.podIPs : s.podIP ? [s.podIP] : [];
      return fieldRefValue(s.pod, from.fieldRef.fieldPath, { podIP: podIPs[0] ?? '', podIPs, hostIP: s.hostIP, hostIPs: [s.hostIP] });
    }
    if (from.resourceFieldRef) {
      const sel = from.resourceFieldRef;
      return resourceFieldValue(s.pod, sel, sel.containerName ? undefined : s.container, { nodeAllocatable: s.nodeAllocatable });
    }
  } catch (err) {
    throw new ContainerConfigError(err instanceof Error ? err.message : String(err));
  }
  if (from.configMapKeyRef) {
    const { name = '', key, optional = false } = from.configMapKeyRef;
    const cm = await cms.get(name, optional);
    if (!cm) return undefined;
    const v = cm.data?.[key];
    if (v !== undefined) return v;
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional = false } = from.secretKeyRef;
    const secret = await secrets.get(name, optional);
    if (!secret) return undefined;
    const v = secret.data?.[key];
    if (v !== undefined) return decodeSecret(v);
    if (optional) return undefined;
    throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
  }
  return '';
}

/** The container's environment, in order; throws ContainerConfigError for what the user must fix. */
export async function containerEnv(s: EnvSources): Promise<KeyValue[]> {
  const { pod, container } = s;
  const ns = pod.metadata.namespace ?? '';
  const serviceEnv = serviceEnvMap(s.services, ns, pod.spec?.enableServiceLinks !== false);
  const cms = new ObjectCache<ConfigMap>('configmap', s.getConfigMap, ns);
  const secrets = new ObjectCache<Secret>('secret', s.getSecret, ns);
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let entries: Array<[string, string]>;
    let what: string;
    if (from.configMapRef) {
      const cm = await cms.get(from.configMapRef.name ?? '', from.configMapRef.optional === true);
      if (!cm) continue;
      entries = Object.entries(cm.data ?? {});
      what = `configMap ${ns}/${from.configMapRef.name}`;
    } else if (from.secretRef) {
      const secret = await secrets.get(from.secretRef.name ?? '', from.secretRef.optional === true);
      if (!secret) continue;
      entries = Object.entries(secret.data ?? {}).map(([k, v]) => [k, decodeSecret(v)]);
      what = `secret ${ns}/${from.secretRef.name}`;
    } else continue;
    const invalid: string[] = [];
    for (const [k, v] of entries) {
      const name = prefix + k;
      if (isEnvVarName(name)) env.set(name, v);
      else invalid.push(name);
    }
    if (invalid.length) {
      s.recorder?.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`);
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const ev of container.env ?? []) {
    let value: string | undefined = ev.value ?? '';
    if (value !== '') value = expandVars(value, mapping);
    else if (ev.valueFrom) value = await resolveSource(ev, s, cms, secrets);
    if (value === undefined) continue; // an optional source that is absent: the variable is not set
    env.set(ev.name, value);
  }

  const out: KeyValue[] = [...env].map(([key, value]) => ({ key, value }));
  for (const [key, value] of serviceEnv) if (!env.has(key)) out.push({ key, value });
  return out;
}

/** command and args with `$(VAR)` replaced from the container's final environment. */
export function expandCommand(container: Container, env: KeyValue[]): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.key, e.value])));
  return {
    command: container.command?.map((c) => expandVars(c, mapping)),
    args: container.args?.map((a) => expandVars(a, mapping)),
  };
}

/** Upstream's ExpandContainerCommandOnlyStatic: exec probe and hook commands see only literal env values. */
export function expandStatic(command: string[], env: EnvVar[] | undefined): string[] {
  const mapping = mappingFor(new Map((env ?? []).map((e) => [e.name, e.value ?? ''])));
  return command.map((c) => expandVars(c, mapping));
}
