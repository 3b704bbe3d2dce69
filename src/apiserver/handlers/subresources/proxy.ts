// pods/proxy, services/proxy and nodes/proxy: upstream's ProxyREST for each, a connect
// subresource that takes any proxied method and the path below `/proxy`, resolves the id on the
// URL to a location (proxy/proxy-location.ts) and relays the request or upgrade there.
import type { Pod } from '../../../api/core/v1/pod/types.js';
import type { Endpoints, Service } from '../../../api/core/v1/types.js';
import { ApiError, errors, toApiError } from '../../errors.js';
import { relayHttp, relayUpgrade } from '../../proxy/http-proxy.js';
import { podLocation, podProxyId, serviceLocation, type ProxyLocation, type ServiceLookups } from '../../proxy/proxy-location.js';
import { writeStatusAndClose } from '../../proxy/upgrade.js';
import type { ResourceCall, ResourceEntry, Subresource, UpgradeCall } from '../../registry/entry.js';
import type { ApiContext, KubeletConnector } from '../context.js';
import { methodNotAllowed } from '../codec.js';

/** The methods upstream's proxy subresources answer (rest.ProxyREST's ConnectMethods). */
const PROXY_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'] as const;

type Locate = (namespace: string | undefined, id: string) => Promise<ProxyLocation>;

function checkMethod(method: string | undefined): void {
  if (!PROXY_METHODS.has(method ?? 'GET')) throw methodNotAllowed();
}

/** A proxy row relaying to wherever `locate` says the id is. */
function proxyRow(kind: string, locate: Locate): Subresource {
  return {
    name: 'proxy',
    kind: { group: '', version: 'v1', kind },
    verbs: PROXY_VERBS,
    connect: true,
    serve: async (c: ResourceCall) => {
      checkMethod(c.req.method);
      await relayHttp({ req: c.req, res: c.res, subpath: c.subpath }, await locate(c.namespace, c.name));
    },
    upgrade: async (c: UpgradeCall) => {
      try {
        checkMethod(c.req.method);
        relayUpgrade(c.req, c.socket, c.head, await locate(c.namespace, c.name), c.subpath);
      } catch (err) {
        writeStatusAndClose(c.socket, toApiError(err).status);
      }
    },
  };
}

function core(ctx: ApiContext, resource: string): ResourceEntry {
  const e = ctx.registry.lookup('', 'v1', resource);
  if (!e) throw errors.notFoundPath();
  return e;
}

/** pods/{[scheme:]name[:port]}/proxy[/{path}]: the pod's IP. */
export function podProxySubresource(ctx: ApiContext): Subresource {
  return proxyRow('PodProxyOptions', async (namespace, idText) => {
    const id = podProxyId(idText);
    const pod = (await ctx.resources.get(core(ctx, 'pods'), namespace, id.name)) as Pod;
    return podLocation(pod, id);
  });
}

/** services/{[scheme:]name[:port]}/proxy[/{path}]: one ready endpoint of the Service. */
export function serviceProxySubresource(ctx: ApiContext): Subresource {
  return proxyRow('ServiceProxyOptions', (namespace, id) => {
    const lookups: ServiceLookups = {
      service: async (name) => (await ctx.resources.get(core(ctx, 'services'), namespace, name)) as Service,
      endpoints: async (name) => (await ctx.resources.get(core(ctx, 'endpoints'), namespace, name)) as Endpoints,
      pod: async (name) => {
        try {
          return (await ctx.resources.get(core(ctx, 'pods'), namespace, name)) as Pod;
        } catch (err) {
          if (err instanceof ApiError && err.code === 404) return undefined;
          throw err;
        }
      },
    };
    return serviceLocation(id, namespace ?? '', lookups);
  });
}

/** nodes/{[scheme:]name[:port]}/proxy[/{path}]: the kubelet (with the API server's client certificate) or another port on the node. */
export function nodeProxySubresource(kubelet: KubeletConnector): Subresource {
  return {
    name: 'proxy',
    kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' },
    verbs: PROXY_VERBS,
    connect: true,
    serve: async (c) => {
      checkMethod(c.req.method);
      await kubelet.nodeProxy(c.name, c.subpath, c.req, c.res);
    },
    upgrade: async (c) => {
      if (!PROXY_METHODS.has(c.req.method ?? 'GET')) return writeStatusAndClose(c.socket, methodNotAllowed().status);
      await kubelet.nodeUpgrade(c.name, c.subpath, c.req, c.socket, c.head);
    },
  };
}
