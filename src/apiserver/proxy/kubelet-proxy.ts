// The API server's side of the node: pods/log, pods/exec, pods/attach, pods/portforward and
// nodes/proxy, each resolved to a kubelet URL from the pod and its node, then streamed (logs,
// node proxy) or relayed as an upgraded connection (exec, attach, port-forward).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/core/v1/pod/types.js';
import type { Node } from '../../api/core/v1/types.js';
import { ApiError, errors, toApiError } from '../errors.js';
import type { AnyRequest } from '../http/body.js';
import type { AnyResponse } from '../http/respond.js';
import type { ResourceEntry } from '../registry/entry.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore } from '../rest/resource-store.js';
import { kubeletRequest, pipeResponse, proxyHttp, transportError } from './http.js';
import { kubeletEndpoint, type KubeletClientCert, type KubeletEndpoint } from './kubelet-endpoint.js';
import { logLocation, streamLocation, type StreamSubresource } from './locations.js';
import { proxyUpgrade, writeStatusAndClose, type UpgradeTarget } from './upgrade.js';

/** Upstream's limit on how much of a kubelet's error body becomes the message. */
const MAX_ERROR_MESSAGE = 50_000;
const POD_CONNECT = new Set(['log', 'exec', 'attach', 'portforward']);
const POD_UPGRADE = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;
const NODE_PROXY = /^\/api\/v1\/nodes\/([^/]+)\/proxy(\/.*)?$/;

export interface ProxyContext {
  registry: Registry;
  resources: ResourceStore;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Reasons and messages of upstream's NewGenericServerResponse, by status code. */
function genericMessage(code: number, body: string): { reason: string; message: string } {
  switch (code) {
    case 404:
      return { reason: 'NotFound', message: 'the server could not find the requested resource' };
    case 409:
      return { reason: 'Conflict', message: 'the server reported a conflict' };
    case 401:
      return { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' };
    case 403:
      return { reason: 'Forbidden', message: body };
    case 405:
      return { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' };
    case 422:
      return { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' };
    case 429:
      return { reason: 'TooManyRequests', message: 'the server has received too many requests and has asked us to try again later' };
    case 504:
      return { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted, but may still be processing the request' };
  }
  if (code >= 500) return { reason: 'InternalError', message: `an error on the server (${JSON.stringify(body)}) has prevented the request from succeeding` };
  return { reason: '', message: `the server responded with the status code ${code} but did not return more information` };
}

/** A kubelet's non-2xx answer to a log request, as upstream's GenericHttpResponseChecker turns it into a Status. */
export function kubeletLogError(code: number, body: string, podName: string): ApiError {
  if (code === 500) return errors.internal(new Error(body));
  if (code === 400) return errors.badRequest(body);
  const g = genericMessage(code, body);
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: `${g.message} ( pods/log ${podName})`,
    reason: g.reason || undefined,
    details: { name: podName, kind: 'pods/log' },
    code,
  });
}

async function readLimited(res: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).toString();
}

export class KubeletProxy {
  constructor(
    private readonly ctx: ProxyContext,
    private readonly client: KubeletClientCert | undefined,
    private readonly log?: (line: string) => void,
  ) {}

  private entry(resource: 'pods' | 'nodes'): ResourceEntry {
    const e = this.ctx.registry.lookup('', 'v1', resource);
    if (!e) throw errors.notFoundPath();
    return e;
  }

  private async pod(namespace: string, name: string): Promise<Pod> {
    return (await this.ctx.resources.get(this.entry('pods'), namespace, name)) as Pod;
  }

  private async endpointOf(nodeName: string): Promise<KubeletEndpoint> {
    const node = (await this.ctx.resources.get(this.entry('nodes'), undefined, nodeName)) as Node;
    return kubeletEndpoint(node);
  }

  static isPodSubresource(sub: string): boolean {
    return POD_CONNECT.has(sub);
  }

  /** pods/log, and exec/attach/portforward asked for without an upgrade (refused after validation, as upstream). */
  async podSubresource(namespace: string, name: string, sub: string, method: string, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void> {
    if (sub === 'log') {
      if (method !== 'GET' && method !== 'HEAD') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      return this.podLog(namespace, name, query, req, res);
    }
    if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const pod = await this.pod(namespace, name);
    streamLocation(pod, sub as StreamSubresource, query);
    await this.endpointOf(pod.spec!.nodeName!);
    throw errors.badRequest('Upgrade request required');
  }

  private async podLog(namespace: string, name: string, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void> {
    const pod = await this.pod(namespace, name);
    const loc = logLocation(pod, query);
    if (!loc.path) {
      // Not on a node yet: nothing has been logged.
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
      res.end();
      return;
    }
    const target: UpgradeTarget = { endpoint: await this.endpointOf(pod.spec!.nodeName!), path: loc.path, client: this.client };
    const { req: backendReq, response } = kubeletRequest(target, 'GET', {});
    let backendRes: IncomingMessage;
    try {
      backendRes = await response;
    } catch (err) {
      throw transportError('GET', target, err);
    }
    const code = backendRes.statusCode ?? 502;
    if (code < 200 || code > 206) {
      const body = await readLimited(backendRes, MAX_ERROR_MESSAGE).catch(() => '');
      backendReq.destroy();
      throw kubeletLogError(code, body, name);
    }
    await pipeResponse(backendReq, backendRes, req, res, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' }, 200);
  }

  /** `/api/v1/nodes/{name}/proxy/{path}`: the name part, the kubelet path; undefined when not a node proxy path. */
  static matchNodeProxy(pathname: string): { name: string; path: string } | undefined {
    const m = NODE_PROXY.exec(pathname);
    if (!m) return undefined;
    return { name: decode(m[1]!), path: m[2] || '/' };
  }

  /** A node proxy target: `name`, `name:port` or `scheme:name:port` (the scheme is always https here). */
  private async nodeTarget(nameSpec: string, path: string, query: URLSearchParams): Promise<UpgradeTarget> {
    const parts = nameSpec.split(':');
    let name = nameSpec;
    let port: string | undefined;
    if (parts.length === 3) [, name, port] = parts as [string, string, string];
    else if (parts.length === 2) [name, port] = parts[0] === 'https' || parts[0] === 'http' ? [parts[1]!, undefined] : (parts as [string, string]);
    const endpoint = await this.endpointOf(name);
    if (port) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 1 || n > 65535) throw errors.badRequest(`invalid port: ${port}`);
      endpoint.port = n;
    }
    const qs = query.toString();
    return { endpoint, path: `${path}${qs ? `?${qs}` : ''}`, client: this.client };
  }

  async nodeProxy(nameSpec: string, path: string, query: URLSearchParams, req: AnyRequest, res: AnyResponse): Promise<void> {
    const target = await this.nodeTarget(nameSpec, path, query);
    try {
      await proxyHttp(req, res, target);
    } catch (err) {
      if (err instanceof ApiError) {
        throw errors.internal(new Error(`error trying to reach service: ${err.message.replace(/^[A-Z][a-z]+ "[^"]*": /, '')}`));
      }
      throw err;
    }
  }

  /** Whether an upgrade request is one the kubelet serves (and so this proxy handles). */
  static handlesUpgrade(pathname: string): boolean {
    return POD_UPGRADE.test(pathname) || NODE_PROXY.test(pathname);
  }

  /** Relays an upgrade request to the kubelet. Errors before the relay answer with a Status and close. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    try {
      const target = await this.upgradeTarget(req, url);
      proxyUpgrade(req, socket, head, target, this.log);
    } catch (err) {
      writeStatusAndClose(socket, toApiError(err).status);
    }
  }

  private async upgradeTarget(req: IncomingMessage, url: URL): Promise<UpgradeTarget> {
    const pathname = url.pathname;
    const m = POD_UPGRADE.exec(pathname);
    if (m) {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
      const pod = await this.pod(decode(m[1]!), decode(m[2]!));
      const path = streamLocation(pod, m[3] as StreamSubresource, url.searchParams);
      return { endpoint: await this.endpointOf(pod.spec!.nodeName!), path, client: this.client };
    }
    const node = KubeletProxy.matchNodeProxy(pathname);
    if (!node) throw errors.notFoundPath();
    return this.nodeTarget(node.name, node.path, url.searchParams);
  }
}
