// A runtime for tests of the kubelet API and the API server's proxy: containers and sandboxes
// are records the test sets up, logs are files the test writes, streaming URLs are made up.
import type {
  Container,
  ContainerConfig,
  ContainerEvent,
  ContainerFilter,
  ContainerStats,
  ContainerStatus,
  ExecSyncResult,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  RuntimeService,
  RuntimeVersion,
  StreamingRuntime,
  StreamRequest,
} from '../../runtime.js';
import { CONTAINER_NAME_LABEL, POD_UID_LABEL, RuntimeNotFoundError } from '../../runtime.js';

export class FakeKubeletRuntime implements RuntimeService, StreamingRuntime {
  readonly sandboxes: PodSandbox[] = [];
  readonly containers: ContainerStatus[] = [];
  readonly stats: ContainerStats[] = [];
  readonly calls: { method: string; args: unknown }[] = [];

  addSandbox(id: string, pod: { name: string; namespace: string; uid: string }): void {
    this.sandboxes.push({ id, metadata: { ...pod, attempt: 0 }, state: 'SANDBOX_READY', createdAt: Date.now(), labels: { [POD_UID_LABEL]: pod.uid }, annotations: {} });
  }

  addContainer(id: string, sandboxId: string, name: string, logPath: string, state: ContainerStatus['state'] = 'CONTAINER_RUNNING', attempt = 0): ContainerStatus {
    const c: ContainerStatus = {
      id,
      podSandboxId: sandboxId,
      metadata: { name, attempt },
      image: 'busybox',
      imageRef: 'sha256:0',
      state,
      createdAt: Date.now(),
      labels: { [CONTAINER_NAME_LABEL]: name },
      annotations: {},
      startedAt: Date.now(),
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      logPath,
    };
    this.containers.push(c);
    return c;
  }

  async version(): Promise<RuntimeVersion> {
    return { runtimeName: 'fake', runtimeVersion: '0', runtimeApiVersion: 'v1' };
  }
  async updateRuntimeConfig(): Promise<void> {}
  async runPodSandbox(_config: PodSandboxConfig): Promise<string> {
    throw new Error('not supported by the fake');
  }
  async stopPodSandbox(): Promise<void> {}
  async removePodSandbox(): Promise<void> {}
  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const s = this.sandboxes.find((x) => x.id === id);
    if (!s) throw new RuntimeNotFoundError('sandbox', id);
    return { ...s, network: { additionalIps: [] } };
  }
  async listPodSandbox(f: PodSandboxFilter = {}): Promise<PodSandbox[]> {
    return this.sandboxes.filter((s) => (!f.id || s.id === f.id) && (!f.state || s.state === f.state) && Object.entries(f.labelSelector ?? {}).every(([k, v]) => s.labels[k] === v));
  }
  async createContainer(_s: string, _c: ContainerConfig): Promise<string> {
    throw new Error('not supported by the fake');
  }
  async startContainer(): Promise<void> {}
  async stopContainer(): Promise<void> {}
  async removeContainer(): Promise<void> {}
  async listContainers(f: ContainerFilter = {}): Promise<Container[]> {
    return this.containers.filter(
      (c) => (!f.id || c.id === f.id) && (!f.state || c.state === f.state) && (!f.podSandboxId || c.podSandboxId === f.podSandboxId) && Object.entries(f.labelSelector ?? {}).every(([k, v]) => c.labels[k] === v),
    );
  }
  async containerStatus(id: string): Promise<ContainerStatus> {
    const c = this.containers.find((x) => x.id === id);
    if (!c) throw new RuntimeNotFoundError('container', id);
    return { ...c };
  }
  onContainerEvent(_l: (ev: ContainerEvent) => void): () => void {
    return () => undefined;
  }
  async execSync(): Promise<ExecSyncResult> {
    return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0 };
  }
  async exec(req: StreamRequest & { cmd: string[] }): Promise<string> {
    this.calls.push({ method: 'exec', args: req });
    return `http://127.0.0.1:1/exec/${req.containerId}`;
  }
  async attach(req: StreamRequest): Promise<string> {
    this.calls.push({ method: 'attach', args: req });
    return `http://127.0.0.1:1/attach/${req.containerId}`;
  }
  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    this.calls.push({ method: 'portForward', args: { podSandboxId, ports } });
    return `http://127.0.0.1:1/portforward/${podSandboxId}`;
  }
  async reopenContainerLog(): Promise<void> {}
  async listContainerStats(): Promise<ContainerStats[]> {
    return this.stats;
  }
}
