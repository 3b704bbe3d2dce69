// Container events for a runtime without GetContainerEvents (containerd 1.6): the states we cause
// through our own calls are reported at once, and a relist loop (upstream's generic PLEG) diffs
// ListContainers against what we last knew to report everything else. Task-exit notifications
// from containerd's event stream only make the relist of one container happen sooner.
import type { ContainerEvent, ContainerEventType, ContainerState } from '../runtime.js';

export type TrackedState = ContainerState | 'DELETED';

interface Tracked {
  podSandboxId: string;
  state: TrackedState;
  /** Value of the tracker's sequence when this entry last changed. */
  seq: number;
}

export interface EventSource {
  listContainers(): Promise<{ id: string; podSandboxId: string; state: ContainerState }[]>;
  listSandboxLabels(): Promise<Map<string, Record<string, string>>>;
}

export interface EventTrackerOptions {
  pollIntervalMs: number;
  log?: (line: string) => void;
  /** Called while someone listens, to start/stop extra prompt sources (containerd's event stream). */
  onListening?: (listening: boolean) => void;
}

/** Which event a state change means, if any. */
export function eventFor(prev: TrackedState | undefined, next: TrackedState): ContainerEventType | undefined {
  if (prev === next) return undefined;
  switch (next) {
    case 'DELETED':
      return prev === undefined ? undefined : 'CONTAINER_DELETED_EVENT';
    case 'CONTAINER_CREATED':
      return prev === undefined ? 'CONTAINER_CREATED_EVENT' : undefined;
    case 'CONTAINER_RUNNING':
      return 'CONTAINER_STARTED_EVENT';
    case 'CONTAINER_EXITED':
      return 'CONTAINER_STOPPED_EVENT';
    default:
      return undefined;
  }
}

export class ContainerEventTracker {
  private readonly known = new Map<string, Tracked>();
  private readonly sandboxLabels = new Map<string, Record<string, string>>();
  private readonly listeners = new Set<(ev: ContainerEvent) => void>();
  private seq = 0;
  private relistRunning: Promise<void> | undefined;
  private relistQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private emitChain: Promise<void> = Promise.resolve();
  private labelRefresh: Promise<void> | undefined;
  private readonly forgotten = new Set<string>();
  private closed = false;

  constructor(
    private readonly source: EventSource,
    private readonly opts: EventTrackerOptions,
  ) {}

  subscribe(listener: (ev: ContainerEvent) => void): () => void {
    const first = this.listeners.size === 0;
    this.listeners.add(listener);
    if (first && !this.closed) {
      this.opts.onListening?.(true);
      this.relistNow();
    }
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      clearTimeout(this.timer);
      this.timer = undefined;
      for (const id of this.forgotten) this.sandboxLabels.delete(id);
      this.forgotten.clear();
      this.opts.onListening?.(false);
    };
  }

  get listening(): boolean {
    return this.listeners.size > 0 && !this.closed;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.listeners.size > 0) this.opts.onListening?.(false);
    this.listeners.clear();
  }

  rememberSandbox(id: string, labels: Record<string, string>): void {
    this.sandboxLabels.set(id, labels);
  }

  /** Drops a removed sandbox's labels, once a relist has reported the end of its containers. */
  forgetSandbox(id: string): void {
    if (this.listening) this.forgotten.add(id);
    else this.sandboxLabels.delete(id);
  }

  sandboxOf(containerId: string): string | undefined {
    const t = this.known.get(containerId);
    return t && t.state !== 'DELETED' ? t.podSandboxId : undefined;
  }

  stateOf(containerId: string): TrackedState | undefined {
    return this.known.get(containerId)?.state;
  }

  /** Records a container's state as seen by a call of ours, reporting the change if it is one. */
  observe(containerId: string, podSandboxId: string, state: TrackedState): void {
    this.apply(containerId, podSandboxId, state);
  }

  /** Relists as soon as possible (coalescing with one in flight), while someone listens. */
  relistNow(): void {
    if (!this.listening) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.relistRunning) {
      this.relistQueued = true;
      return;
    }
    this.relistRunning = this.relist().finally(() => {
      this.relistRunning = undefined;
      if (!this.listening) return;
      if (this.relistQueued) {
        this.relistQueued = false;
        this.relistNow();
      } else {
        this.timer = setTimeout(() => this.relistNow(), this.opts.pollIntervalMs);
        this.timer.unref();
      }
    });
  }

  private async relist(): Promise<void> {
    const startSeq = this.seq;
    const forget = [...this.forgotten];
    let list: { id: string; podSandboxId: string; state: ContainerState }[];
    try {
      list = await this.source.listContainers();
    } catch (err) {
      this.opts.log?.(`cri: relist failed: ${(err as Error).message}`);
      return;
    }
    const seen = new Set<string>();
    for (const c of list) {
      seen.add(c.id);
      const t = this.known.get(c.id);
      // Our own calls changed it after the list was taken: the list is stale for this one.
      if (t && t.seq > startSeq) continue;
      this.apply(c.id, c.podSandboxId, c.state);
    }
    for (const [id, t] of this.known) {
      if (seen.has(id) || t.seq > startSeq) continue;
      if (t.state === 'DELETED') this.known.delete(id);
      else this.apply(id, t.podSandboxId, 'DELETED');
    }
    for (const id of forget) {
      this.forgotten.delete(id);
      this.sandboxLabels.delete(id);
    }
  }

  private apply(id: string, podSandboxId: string, state: TrackedState): void {
    const prev = this.known.get(id);
    const type = eventFor(prev?.state, state);
    this.seq++;
    // A deleted container leaves a tombstone only while a relist may still report it.
    if (state === 'DELETED' && !this.relistRunning) this.known.delete(id);
    else this.known.set(id, { podSandboxId: podSandboxId || prev?.podSandboxId || '', state, seq: this.seq });
    if (type && this.listeners.size > 0) this.enqueue({ containerId: id, type, podSandboxId: podSandboxId || prev?.podSandboxId || '', sandboxLabels: {}, createdAt: Date.now() });
  }

  // Events leave in the order they were found; one whose sandbox we do not know yet waits for a
  // ListPodSandbox, and so do the events behind it.
  private enqueue(ev: ContainerEvent): void {
    const labels = this.sandboxLabels.get(ev.podSandboxId);
    if (labels) {
      ev.sandboxLabels = labels;
      this.emitChain = this.emitChain.then(() => this.emit(ev));
      return;
    }
    this.emitChain = this.emitChain
      .then(() => this.refreshSandboxLabels())
      .then(() => {
        ev.sandboxLabels = this.sandboxLabels.get(ev.podSandboxId) ?? {};
        this.emit(ev);
      });
  }

  private refreshSandboxLabels(): Promise<void> {
    this.labelRefresh ??= this.source
      .listSandboxLabels()
      .then((m) => {
        for (const [id, labels] of m) this.sandboxLabels.set(id, labels);
      })
      .catch((err: Error) => this.opts.log?.(`cri: listing sandboxes failed: ${err.message}`))
      .finally(() => {
        this.labelRefresh = undefined;
      });
    return this.labelRefresh;
  }

  private emit(ev: ContainerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(ev);
      } catch (err) {
        this.opts.log?.(`cri: event listener threw: ${(err as Error).message}`);
      }
    }
  }
}
