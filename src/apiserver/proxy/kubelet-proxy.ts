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
import { kubeletRequest, pipeResponse, transportError } from './http.js';
import { relayHttp, relayUpgrade } from './http-proxy.js';
import { kubeletEndpoint, type KubeletClientCert, type KubeletEndpoint } from './kubelet-endpoint.js';
import { logLocation, streamLocation, type StreamSubresource } from './locations.js';
import { nodeLocation, nodeProxyId, type ProxyLocation } from './proxy-location.js';
import { proxyUpgrade, writeStatusAndClose, type UpgradeTarget } from './upgrade.js';

/** Upstream's limit on how much of a kubelet's error body becomes the message. */
const MAX_ERROR_MESSAGE = 50_000;
const POD_CONNECT = new Set(['log', 'exec', 'attach', 'portforward']);
const POD_UPGRADE = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)\/?$/;

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

  private async nodeLocation(nameSpec: string): Promise<ProxyLocation> {
    const id = nodeProxyId(nameSpec);
    return nodeLocation(await this.endpointOf(id.name), id, this.client);
  }

  /** nodes/{name}/proxy/{path}: the kubelet, or another port on the node. */
  async nodeProxy(nameSpec: string, subpath: string | undefined, req: AnyRequest, res: AnyResponse): Promise<void> {
    await relayHttp({ req, res, subpath }, await this.nodeLocation(nameSpec));
  }

  /** An upgrade through nodes/{name}/proxy; errors before the relay answer with a Status and close. */
  async nodeUpgrade(nameSpec: string, subpath: string | undefined, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      relayUpgrade(req, socket, head, await this.nodeLocation(nameSpec), subpath, this.log);
    } catch (err) {
      writeStatusAndClose(socket, toApiError(err).status);
    }
  }

  /** Whether an upgrade request is one the kubelet serves (and so this proxy handles). */
  static handlesUpgrade(pathname: string): boolean {
    return POD_UPGRADE.test(pathname);
  }

  /** Relays an exec/attach/portforward upgrade to the kubelet. Errors before the relay answer with a Status and close. */
  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    try {
      const target = await this.upgradeTarget(req, url);
      proxyUpgrade(req, socket, head, target, this.log);
    } catch (err) {
      writeStatusAndClose(socket, toApiError(err).status);
    }
  }

  private async upgradeTarget(req: IncomingMessage, url: URL): Promise<UpgradeTarget> {
    const m = POD_UPGRADE.exec(url.pathname);
    if (!m) throw errors.notFoundPath();
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const pod = await this.pod(decode(m[1]!), decode(m[2]!));
    const path = streamLocation(pod, m[3] as StreamSubresource, url.searchParams);
    return { endpoint: await this.endpointOf(pod.spec!.nodeName!), path, client: this.client };
  }
}
