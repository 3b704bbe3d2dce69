// /exec, /attach and /portForward: find the running container (or the pod's sandbox), ask the
// runtime for a streaming session, and hand the client's connection to the streaming handlers,
// which negotiate WebSocket or SPDY with the client and relay to the runtime's URL.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { findContainerSpec } from '../../api/core/v1/pod/containers.js';
import type { Pod } from '../../api/core/v1/pod/types.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL } from '../runtime.js';
import { KubeletHttpError } from './container-logs.js';
import type { KubeletServerDeps, StreamingHandlers } from './deps.js';

export type StreamKind = 'exec' | 'attach' | 'portForward';

export interface StreamRoute {
  kind: StreamKind;
  namespace: string;
  pod: string;
  uid?: string;
  container?: string;
}

/** `/exec/{ns}/{pod}/{container}`, `/exec/{ns}/{pod}/{uid}/{container}`, `/portForward/{ns}/{pod}[/{uid}]`. */
export function parseStreamPath(path: string): StreamRoute | undefined {
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [kind, namespace, pod, a, b, ...extra] = parts;
  if (extra.length || !namespace || !pod) return undefined;
  if (kind === 'exec' || kind === 'attach') {
    if (!a) return undefined;
    return b ? { kind, namespace, pod, uid: a, container: b } : { kind, namespace, pod, container: a };
  }
  if (kind === 'portForward') return b ? undefined : { kind, namespace, pod, uid: a };
  return undefined;
}

/**
 * Upstream's remotecommand flags, named input/output/error/tty and set when "1" (what the API
 * server sends); the PodExecOptions names (stdin/stdout/stderr) and "true" are accepted too.
 */
function flag(q: URLSearchParams, ...keys: string[]): boolean {
  return keys.some((k) => {
    const v = q.get(k);
    return v === '1' || v === 'true';
  });
}

let loaded: Promise<StreamingHandlers> | undefined;
function defaultHandlers(): Promise<StreamingHandlers> {
  // Loaded on first use: a kubelet nobody execs into never carries the SPDY code.
  loaded ??= import('../streaming/index.js');
  return loaded;
}

async function runningContainerId(deps: KubeletServerDeps, pod: Pod, container: string): Promise<string> {
  const uid = pod.metadata.uid ?? '';
  const sandboxes = await deps.runtime.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: uid } });
  const found = [];
  for (const sb of sandboxes) {
    const cs = await deps.runtime.listContainers({ podSandboxId: sb.id, state: 'CONTAINER_RUNNING' });
    found.push(...cs.filter((c) => c.metadata.name === container || c.labels[CONTAINER_NAME_LABEL] === container));
  }
  found.sort((x, y) => y.createdAt - x.createdAt);
  if (!found.length) throw new KubeletHttpError(404, `container not found ("${container}")`);
  return found[0]!.id;
}

async function readySandboxId(deps: KubeletServerDeps, pod: Pod): Promise<string> {
  const sandboxes = await deps.runtime.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: pod.metadata.uid ?? '' }, state: 'SANDBOX_READY' });
  sandboxes.sort((x, y) => y.createdAt - x.createdAt);
  if (!sandboxes.length) throw new KubeletHttpError(404, `pod not found ("${pod.metadata.name}_${pod.metadata.namespace}")`);
  return sandboxes[0]!.id;
}

/**
 * Prepares the runtime session and hands the connection over. Throws KubeletHttpError before
 * anything is written to the socket, so the caller can still refuse the upgrade.
 */
export async function serveStream(deps: KubeletServerDeps, route: StreamRoute, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const pod = deps.getPod(route.namespace, route.pod);
  if (!pod) throw new KubeletHttpError(404, 'pod does not exist');
  if (route.uid && pod.metadata.uid !== route.uid) throw new KubeletHttpError(404, 'pod does not exist');
  const handlers = deps.streaming ?? (await defaultHandlers().catch((err: unknown) => {
    throw new KubeletHttpError(503, `streaming is not available: ${String(err)}`);
  }));
  if (route.kind === 'portForward') {
    const ports = query
      .getAll('port')
      .flatMap((p) => p.split(','))
      .filter((p) => p !== '')
      .map((p) => {
        const n = Number(p);
        if (!Number.isInteger(n) || n < 1 || n > 65535) throw new KubeletHttpError(400, `invalid port "${p}"`);
        return n;
      });
    const backendUrl = await deps.runtime.portForward(await readySandboxId(deps, pod), ports);
    await handOver(deps, socket, () => handlers.handlePortForward(req, socket, head, { backendUrl, ports }));
    return;
  }
  const container = route.container!;
  // Whether an attached process has a terminal was settled when it started: attach follows the
  // container's spec, whatever the client asked (upstream's GetAttach), so the runtime is never
  // asked for a separate stderr from a terminal or a terminal's output from plain pipes.
  const tty = route.kind === 'attach' ? findContainerSpec(pod, container)?.tty === true : flag(query, 'tty');
  const stdin = flag(query, 'input', 'stdin');
  const stdout = flag(query, 'output', 'stdout');
  // A terminal merges stderr into stdout, as upstream bypasses stderr with tty.
  const stderr = flag(query, 'error', 'stderr') && !tty;
  if (!stdin && !stdout && !stderr) throw new KubeletHttpError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const containerId = await runningContainerId(deps, pod, container);
  const base = { containerId, tty, stdin, stdout, stderr };
  let backendUrl: string;
  if (route.kind === 'exec') {
    const cmd = query.getAll('command');
    if (!cmd.length) throw new KubeletHttpError(400, 'you must specify a command');
    backendUrl = await deps.runtime.exec({ ...base, cmd });
  } else {
    backendUrl = await deps.runtime.attach(base);
  }
  const kind = route.kind;
  await handOver(deps, socket, () => handlers.handleRemoteCommand(req, socket, head, { kind, backendUrl, stdin, stdout, stderr, tty }));
}

/** From here the handler owns the socket: a failure can only close it, never answer on it. */
async function handOver(deps: KubeletServerDeps, socket: Duplex, run: () => unknown): Promise<void> {
  try {
    await run();
  } catch (err) {
    deps.log?.(`streaming session failed: ${String(err)}`);
    socket.destroy();
  }
}
