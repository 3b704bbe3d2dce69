// The subresources the kubelets serve, reached through the API server's kubelet proxy:
// pods/log, exec, attach and portforward (nodes/proxy is in proxy.ts).
import type { ResourceCall, Subresource } from '../../registry/entry.js';
import type { KubeletConnector } from '../context.js';

/** pods/{attach,exec,log,portforward}, in discovery's order, with the options kind each takes. */
export function podConnectSubresources(kubelet: KubeletConnector): Subresource[] {
  const pod = (kind: string) => ({ group: '', version: 'v1', kind });
  const connect = (name: string, kind: string, verbs: readonly string[]): Subresource => ({
    name,
    kind: pod(kind),
    verbs,
    serve: (c: ResourceCall) => kubelet.podSubresource(c.namespace ?? '', c.name, name, c.req.method ?? 'GET', c.query, c.req, c.res),
  });
  return [
    connect('attach', 'PodAttachOptions', ['create', 'get']),
    connect('exec', 'PodExecOptions', ['create', 'get']),
    connect('log', 'Pod', ['get']),
    connect('portforward', 'PodPortForwardOptions', ['create', 'get']),
  ];
}
