// GET /containerLogs/{namespace}/{pod}/{container}: upstream kubelet's getContainerLogs. The pod's
// status picks the container instance (current, or --previous's last terminated one) with
// upstream's refusals for containers that have not started; the runtime names its log file,
// else the kubelet's own layout does; then the file is streamed, followed while the container runs.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findContainerSpec } from '../../api/core/v1/pod/containers.js';
import type { ContainerStatus as PodContainerStatus, Pod } from '../../api/core/v1/pod/types.js';
import { logAttempts, podLogDir } from '../logs/paths.js';
import { readContainerLog, type ReadLogOptions } from '../logs/read-log.js';
import type { KubeletServerDeps } from './deps.js';

/** A refusal with upstream's status code and plain-text message. */
export class KubeletHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const RUNNING_CHECK_MS = 1000;

/** Go's strconv.ParseBool, as the query decoder applies it. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(v)) return false;
  return undefined;
}

interface LogQuery {
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  limitBytes?: number;
}

/** Decodes and validates the PodLogOptions query as upstream's kubelet does (same refusals). */
export function parseLogQuery(q: URLSearchParams): LogQuery {
  const undecodable = new KubeletHttpError(400, '{"message": "Unable to decode query."}');
  const bool = (k: string) => {
    const v = q.get(k);
    if (v === null) return false;
    const b = parseBool(v);
    if (b === undefined) throw undecodable;
    return b;
  };
  const int = (k: string, v = q.get(k)) => {
    if (v === null || v === '') return undefined;
    if (!/^[+-]?\d+$/.test(v)) throw undecodable;
    return Number(v);
  };
  const out: LogQuery = { follow: bool('follow'), previous: bool('previous'), timestamps: bool('timestamps') };
  // The legacy `tail` parameter: a number, or `all` for everything.
  const tail = q.get('tail');
  out.tailLines = tail && tail !== 'all' ? int('tail', tail) : tail === 'all' ? undefined : int('tailLines');
  out.sinceSeconds = int('sinceSeconds');
  out.limitBytes = int('limitBytes');
  const since = q.get('sinceTime');
  if (since) {
    const ms = Date.parse(since);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(since) || Number.isNaN(ms)) throw undecodable;
    out.sinceTime = new Date(ms);
  }
  const invalid = (out.tailLines !== undefined && out.tailLines < 0) || (out.limitBytes !== undefined && out.limitBytes < 1) || (out.sinceSeconds !== undefined && (out.sinceSeconds < 1 || out.sinceTime !== undefined));
  if (invalid) throw new KubeletHttpError(422, '{"message": "Invalid request."}');
  return out;
}

function findStatus(pod: Pod, name: string): PodContainerStatus | undefined {
  const st = pod.status;
  for (const list of [st?.containerStatuses, st?.initContainerStatuses, st?.ephemeralContainerStatuses]) {
    const hit = list?.find((c) => c.name === name);
    if (hit) return hit;
  }
  return undefined;
}

/** Upstream's validateContainerLogStatus: which container instance's log to show, or why none. */
export function containerForLogs(pod: Pod, container: string, previous: boolean): { containerId: string; status: PodContainerStatus } {
  const podName = pod.metadata.name ?? '';
  const cs = findStatus(pod, container);
  if (!cs) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is not available`);
  const last = cs.lastState?.terminated;
  const { waiting, running, terminated } = cs.state ?? {};
  let id: string | undefined;
  if (previous) {
    if (!last?.containerID) throw new KubeletHttpError(400, `previous terminated container "${container}" in pod "${podName}" not found`);
    id = last.containerID;
  } else if (running) {
    id = cs.containerID;
  } else if (terminated) {
    id = terminated.containerID || last?.containerID;
    if (!id) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
  } else if (last) {
    if (!last.containerID) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is terminated`);
    id = last.containerID;
  } else if (waiting) {
    const reason = waiting.reason ?? '';
    if (reason === 'ErrImagePull') throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
    throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start: ${reason}`);
  }
  if (!id) throw new KubeletHttpError(400, `container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
  return { containerId: id, status: cs };
}

/** `containerd://abc` → `abc`. */
export function runtimeId(containerId: string): string {
  const i = containerId.indexOf('://');
  return i >= 0 ? containerId.slice(i + 3) : containerId;
}

/** The log file of the chosen instance: the runtime's word first, the kubelet's layout second. */
async function resolveLogFile(deps: KubeletServerDeps, pod: Pod, container: string, pick: { containerId: string; status: PodContainerStatus }, previous: boolean): Promise<{ path: string; running: boolean; id?: string }> {
  const id = runtimeId(pick.containerId);
  try {
    const st = await deps.runtime.containerStatus(id);
    if (st.logPath) return { path: st.logPath, running: st.state === 'CONTAINER_RUNNING', id };
  } catch {
    // removed from the runtime; its file may still be there
  }
  const m = pod.metadata;
  if (deps.logsDir && m.namespace && m.name && m.uid) {
    const dir = join(podLogDir(deps.logsDir, m.namespace, m.name, m.uid), container);
    const attempts = logAttempts(dir);
    const current = pick.status.restartCount ?? 0;
    const attempt = previous ? attempts.filter((a) => a < current).pop() : attempts.includes(current) ? current : attempts[attempts.length - 1];
    if (attempt !== undefined) return { path: join(dir, `${attempt}.log`), running: false };
  }
  throw new KubeletHttpError(400, `failed to get the log file of container "${container}" in pod "${m.name ?? ''}": not found`);
}

export async function serveContainerLogs(deps: KubeletServerDeps, req: IncomingMessage, res: ServerResponse, namespace: string, podName: string, container: string, query: URLSearchParams): Promise<void> {
  const q = parseLogQuery(query);
  const pod = deps.getPod(namespace, podName);
  if (!pod) throw new KubeletHttpError(404, `pod "${podName}" does not exist`);
  if (!findContainerSpec(pod, container)) throw new KubeletHttpError(404, `container "${container}" not found in pod "${podName}"`);
  const pick = containerForLogs(pod, container, q.previous);
  const file = await resolveLogFile(deps, pod, container, pick, q.previous);
  try {
    await access(file.path);
  } catch {
    throw new KubeletHttpError(400, `failed to open log file "${file.path}": no such file or directory`);
  }

  const stop = new AbortController();
  const follow = q.follow && file.running && !q.previous;
  let timer: NodeJS.Timeout | undefined;
  if (follow && file.id) {
    const id = file.id;
    // Following ends when the container stops running, as upstream's waitLogs checks.
    timer = setInterval(() => {
      deps.runtime.containerStatus(id).then(
        (st) => {
          if (st.state !== 'CONTAINER_RUNNING') stop.abort();
        },
        () => stop.abort(),
      );
    }, RUNNING_CHECK_MS);
  }
  const onClose = () => stop.abort();
  req.on('close', onClose);
  res.on('close', onClose);
  const opts: ReadLogOptions = { follow, signal: stop.signal, timestamps: q.timestamps, tailLines: q.tailLines, sinceSeconds: q.sinceSeconds, sinceTime: q.sinceTime, limitBytes: q.limitBytes };
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  try {
    await readContainerLog(file.path, opts, res);
  } catch (err) {
    deps.log?.(`reading log ${file.path} failed: ${String(err)}`);
  } finally {
    if (timer) clearInterval(timer);
    req.off('close', onClose);
    res.off('close', onClose);
    if (!res.writableEnded) res.end();
  }
}
