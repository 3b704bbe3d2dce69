// What the pod workers keep per pod between syncs, and what the runtime showed at the last
// look: the shapes the queue, the plan, the actions and the teardown share.
import type { EventRecorder } from '../client/events.js';
import type { Pod } from '../api/core/v1/pod/types.js';
import { basicEnvironment, type PodEnvironment } from './pod-environment.js';
import type { ContainerHistory } from './pod-status.js';
import type { PodSandboxConfig, PodSandboxStatus, RuntimeService } from './runtime.js';
import type { TimerHandle } from './timer-wheel.js';

export interface NodeHandle {
  name: string;
  nodeIP: string;
  runtime: RuntimeService;
  runtimeName: string;
  recorder?: EventRecorder;
  /** Volumes, env, images and probes around the runtime calls (default: basicEnvironment). */
  env?: PodEnvironment;
}

/** Why a container is not running yet, and when to try again. */
export interface Waiting {
  reason: string;
  message: string;
  retryAt: number;
}

export interface PodRecord {
  key: string;
  uid: string;
  node: NodeHandle;
  sandboxId?: string;
  sandboxConfig?: PodSandboxConfig;
  /** Whether the runtime was searched for this pod's sandbox (left by an earlier agent). */
  searched?: boolean;
  waiting: Map<string, Waiting>;
  task?: Promise<void>;
  /** Set when the pod must stop: the running task takes no further steps. */
  cancelled?: boolean;
  /** Aborts the step under way when the pod must stop (an image pull). */
  abort?: AbortController;
  /** The running task is the kill itself, which is never cancelled. */
  killing?: boolean;
  restartOffset: Map<string, number>;
  wake?: { at: number; timer: TimerHandle };
  terminal?: { reason?: string; message?: string };
  deleteSent?: boolean;
  lastWrite?: { againstRV?: string; status: NonNullable<Pod['status']> };
  /** terminated.message per exited container id: read once, the files do not change after exit. */
  messages: Map<string, string>;
}

/** The runtime's view of one pod: its sandbox and every container attempt, newest first. */
export interface Snapshot {
  sandbox?: PodSandboxStatus;
  containers: Map<string, ContainerHistory>;
}

/** One step of a pod's background task. */
export type Action = () => Promise<void>;

/** What the steps need from the workers that run them. */
export interface StepContext {
  clock: () => number;
  log?: (line: string) => void;
}

export const DEFAULT_GRACE_SECONDS = 30;

export function envOf(rec: PodRecord): PodEnvironment {
  return rec.node.env ?? basicEnvironment;
}

/** A record for a pod this kubelet starts running; restart counts carry on from the API's. */
export function newPodRecord(key: string, pod: Pod, node: NodeHandle): PodRecord {
  const restartOffset = new Map<string, number>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    if (s.containerID) restartOffset.set(s.name, (s.restartCount ?? 0) + 1);
  }
  return { key, uid: pod.metadata.uid!, node, restartOffset, waiting: new Map(), messages: new Map() };
}
