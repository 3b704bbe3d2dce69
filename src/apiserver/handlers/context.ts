// What every handler is given: the registry to find entries in, the generic resource store that
// reads and writes them, the clock, and the way to the kubelets. Handlers reach nothing else.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore } from '../rest/resource-store.js';

/** The kubelet-served subresources, as the API server's kubelet proxy offers them. */
export interface KubeletConnector {
  /** pods/log, and exec/attach/portforward asked for without an upgrade. */
  podSubresource(namespace: string, name: string, sub: string, method: string, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void>;
  /** nodes/{id}/proxy[/{path}]: `subpath` is the encoded path below `/proxy`. */
  nodeProxy(nameSpec: string, subpath: string | undefined, req: AnyRequest, res: AnyResponse): Promise<void>;
  /** An upgrade through nodes/{id}/proxy; answers its own errors on the socket. */
  nodeUpgrade(nameSpec: string, subpath: string | undefined, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

export interface ApiContext {
  registry: Registry;
  resources: ResourceStore;
  clock: () => number;
  /** pods/log, exec, attach, portforward and nodes/proxy go through it to the kubelets. */
  kubelet: KubeletConnector;
  /** kube-apiserver's --min-request-timeout: a watch without timeoutSeconds lasts this to twice this (1800 s). */
  minRequestTimeoutSeconds?: number;
  /** The counter of events sent to one resource's watchers (apiserver_watch_events_total). */
  watchEvents?: (group: string, version: string, resource: string) => { inc(): void };
}
