// Reading a pod's state from the runtime: the sandbox an earlier agent left, and the sandbox
// and container attempts as they are now.
import type { Pod } from '../api/core/v1/pod/types.js';
import type { ContainerHistory } from './pod-status.js';
import { envOf, type PodRecord, type Snapshot } from './pod-record.js';
import { POD_UID_LABEL, type ContainerStatus as CriContainerStatus, type PodSandboxStatus } from './runtime.js';

/** After an agent restart: take over the sandbox an earlier agent made, rather than a second one. */
export async function findSandbox(rec: PodRecord, pod: Pod): Promise<void> {
  rec.searched = true;
  const rt = rec.node.runtime;
  const found = await rt.listPodSandbox({ labelSelector: { [POD_UID_LABEL]: rec.uid } });
  found.sort((a, b) => Number(b.state === 'SANDBOX_READY') - Number(a.state === 'SANDBOX_READY') || b.createdAt - a.createdAt);
  const [best, ...rest] = found;
  if (!best) return;
  rec.sandboxId = best.id;
  rec.sandboxConfig = await envOf(rec).sandboxConfig(pod);
  // The runtime still holds every attempt, so restart counts come from it, not from the API.
  rec.restartOffset.clear();
  for (const extra of rest) await rt.removePodSandbox(extra.id).catch(() => undefined);
}

export async function snapshot(rec: PodRecord): Promise<Snapshot> {
  const containers = new Map<string, ContainerHistory>();
  if (!rec.sandboxId) return { containers };
  const rt = rec.node.runtime;
  let sandbox: PodSandboxStatus | undefined;
  try {
    sandbox = await rt.podSandboxStatus(rec.sandboxId);
  } catch {
    rec.sandboxId = undefined;
    return { containers };
  }
  for (const c of await rt.listContainers({ podSandboxId: rec.sandboxId })) {
    const s = await rt.containerStatus(c.id).catch(() => undefined);
    if (!s) continue;
    if (s.state === 'CONTAINER_EXITED' && rec.node.env?.terminationMessage) s.message = await exitMessage(rec, s);
    let h = containers.get(s.metadata.name);
    if (!h) containers.set(s.metadata.name, (h = { attempts: [] }));
    h.attempts.push(s);
  }
  for (const h of containers.values()) h.attempts.sort((a, b) => b.metadata.attempt - a.metadata.attempt);
  const seen = new Set([...containers.values()].flatMap((h) => h.attempts.map((a) => a.id)));
  for (const id of rec.messages.keys()) if (!seen.has(id)) rec.messages.delete(id);
  return { sandbox, containers };
}

async function exitMessage(rec: PodRecord, s: CriContainerStatus): Promise<string> {
  let m = rec.messages.get(s.id);
  if (m === undefined) {
    m = await rec.node.env!.terminationMessage!(rec.uid, s).catch(() => s.message);
    rec.messages.set(s.id, m);
  }
  return m;
}

export function runningContainers(snap: Snapshot): { name: string; id: string; startedAt: number }[] {
  const out = [];
  for (const [name, h] of snap.containers) {
    const s = h.attempts[0];
    if (s?.state === 'CONTAINER_RUNNING') out.push({ name, id: s.id, startedAt: s.startedAt });
  }
  return out;
}

/** Containers the runtime still has to stop: running, or created and not yet started. */
export function liveContainers(snap: Snapshot): CriContainerStatus[] {
  return [...snap.containers.values()].map((h) => h.attempts[0]!).filter((s) => s.state === 'CONTAINER_RUNNING' || s.state === 'CONTAINER_CREATED');
}
