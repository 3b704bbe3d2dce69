// The kubelet URL behind each pod subresource, as upstream's pod strategy computes it
// (LogLocation, ExecLocation, AttachLocation, PortForwardLocation): options decoded and checked,
// the container defaulted or validated, the options re-encoded in the kubelet's form.
import { findContainerSpec } from '../../api/core/v1/pod/containers.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { errors } from '../errors.js';
import { parseBool } from '../http/query.js';
import { rfc3339 } from '../../util/time.js';

export type StreamSubresource = 'exec' | 'attach' | 'portforward';

function boolParam(q: URLSearchParams, key: string): boolean {
  const v = q.get(key);
  if (v === null || v === '') return false;
  const b = parseBool(v);
  if (b === undefined) throw errors.badRequest(`${key}: strconv.ParseBool: parsing "${v}": invalid syntax`);
  return b;
}

function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key);
  if (v === null || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw errors.badRequest(`${key}: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

function names(list: { name: string }[] | undefined): string {
  return (list ?? []).map((c) => c.name).join(' ');
}

/** The container the request is for: the given one if the pod has it, else the only one. */
export function resolveContainer(pod: Pod, container: string): string {
  const name = pod.metadata.name ?? '';
  const spec = pod.spec;
  if (!container) {
    const containers = spec?.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw errors.badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names(containers)}]`;
    if (spec?.initContainers?.length) msg += ` or one of the init containers: [${names(spec.initContainers)}]`;
    throw errors.badRequest(msg);
  }
  if (!findContainerSpec(pod, container)) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

export interface LogLocation {
  /** Undefined when the pod has no node yet: the log is empty. */
  path?: string;
  follow: boolean;
}

export function logLocation(pod: Pod, q: URLSearchParams): LogLocation {
  const name = pod.metadata.name ?? '';
  const follow = boolParam(q, 'follow');
  const previous = boolParam(q, 'previous');
  const timestamps = boolParam(q, 'timestamps');
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTimeText = q.get('sinceTime') || undefined;
  boolParam(q, 'insecureSkipTLSVerifyBackend');
  let sinceTime: string | undefined;
  if (sinceTimeText !== undefined) {
    const ms = Date.parse(sinceTimeText);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(sinceTimeText) || Number.isNaN(ms)) throw errors.badRequest(`sinceTime: parsing time "${sinceTimeText}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
    sinceTime = rfc3339(ms);
  }
  const invalid: { type: 'FieldValueInvalid' | 'FieldValueForbidden'; field: string; badValue?: unknown; detail: string }[] = [];
  if (tailLines !== undefined && tailLines < 0) invalid.push({ type: 'FieldValueInvalid', field: 'tailLines', badValue: tailLines, detail: 'must be greater than or equal to 0' });
  if (limitBytes !== undefined && limitBytes < 1) invalid.push({ type: 'FieldValueInvalid', field: 'limitBytes', badValue: limitBytes, detail: 'must be greater than 0' });
  if (sinceSeconds !== undefined && sinceTime !== undefined) invalid.push({ type: 'FieldValueForbidden', field: '', detail: 'at most one of `sinceTime` or `sinceSeconds` may be specified' });
  else if (sinceSeconds !== undefined && sinceSeconds < 1) invalid.push({ type: 'FieldValueInvalid', field: 'sinceSeconds', badValue: sinceSeconds, detail: 'must be greater than 0' });
  if (invalid.length) throw errors.invalid({ group: '', resource: 'pods', kind: 'PodLogOptions' }, name, invalid);

  const container = resolveContainer(pod, q.get('container') ?? '');
  if (!pod.spec?.nodeName) return { follow };
  const params = new URLSearchParams();
  if (follow) params.set('follow', 'true');
  if (limitBytes !== undefined) params.set('limitBytes', String(limitBytes));
  if (previous) params.set('previous', 'true');
  if (sinceSeconds !== undefined) params.set('sinceSeconds', String(sinceSeconds));
  if (sinceTime !== undefined) params.set('sinceTime', sinceTime);
  if (tailLines !== undefined) params.set('tailLines', String(tailLines));
  if (timestamps) params.set('timestamps', 'true');
  const qs = params.toString();
  return { path: `/containerLogs/${enc(pod.metadata.namespace)}/${enc(name)}/${enc(container)}${qs ? `?${qs}` : ''}`, follow };
}

function enc(s: string | undefined): string {
  return encodeURIComponent(s ?? '');
}

/** exec, attach, portforward: the kubelet path with the options in the kubelet's "1" form. */
export function streamLocation(pod: Pod, sub: StreamSubresource, q: URLSearchParams): string {
  const name = pod.metadata.name ?? '';
  const params = new URLSearchParams();
  let path: string;
  if (sub === 'portforward') {
    const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter((p) => p !== '');
    for (const p of ports) {
      const n = Number(p);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw errors.badRequest(`ports: Invalid value: "${p}": must be between 1 and 65535, inclusive`);
    }
    if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
    if (ports.length) params.set('port', ports.join(','));
    path = `/portForward/${enc(pod.metadata.namespace)}/${enc(name)}`;
  } else {
    const stdin = boolParam(q, 'stdin');
    const stdout = boolParam(q, 'stdout');
    const stderr = boolParam(q, 'stderr');
    const tty = boolParam(q, 'tty');
    const container = resolveContainer(pod, q.get('container') ?? '');
    if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${name} does not have a host assigned`);
    if (stdin) params.append('input', '1');
    if (stdout) params.append('output', '1');
    if (stderr) params.append('error', '1');
    if (tty) params.append('tty', '1');
    if (sub === 'exec') for (const c of q.getAll('command')) params.append('command', c);
    path = `/${sub}/${enc(pod.metadata.namespace)}/${enc(name)}/${enc(container)}`;
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
