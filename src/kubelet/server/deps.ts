// What the kubelet's HTTPS server needs from the rest of the agent.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { RuntimeService, StreamingRuntime } from '../runtime.js';
import type { Summary } from '../stats/types.js';
import type { KubeletMetrics } from '../metrics.js';
import type { PortForwardOptions } from '../streaming/port-forward.js';
import type { RemoteCommandOptions } from '../streaming/remote-command.js';

export type { PortForwardOptions, RemoteCommandOptions };

/** The client-facing halves of exec/attach and port-forward (src/kubelet/streaming). */
export interface StreamingHandlers {
  handleRemoteCommand(req: IncomingMessage, socket: Duplex, head: Buffer, o: RemoteCommandOptions): unknown;
  handlePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, o: PortForwardOptions): unknown;
}

export interface KubeletServerDeps {
  runtime: RuntimeService & StreamingRuntime;
  /** A pod bound to this node, from the kubelet's pod source. */
  getPod(namespace: string, name: string): Pod | undefined;
  listPods(): Pod[];
  /** The kubelet's log root (`<logsDir>/<ns>_<pod>_<uid>/<container>/<attempt>.log`), used when the runtime no longer knows a container. */
  logsDir?: string;
  /** Names the node in /stats/summary when `stats` is not given. */
  nodeName?: string;
  /** The /stats/summary source; by default one built from `runtime` and the host. */
  stats?: { summary(onlyCpuAndMemory?: boolean): Promise<Summary> };
  /** What /metrics serves; without it /metrics is 404 (/metrics/resource and /metrics/cadvisor need only the stats). */
  metrics?: KubeletMetrics;
  /** The kubelet's cgroup root (--cgroup-root; default /k8ts): cAdvisor's `id` labels are cgroups under it. */
  cgroupRoot?: string;
  /** Overrides the streaming handlers (tests); by default src/kubelet/streaming. */
  streaming?: StreamingHandlers;
  log?: (line: string) => void;
}
