// Which requests are long-running, as kube-apiserver's BasicLongRunningRequestCheck sees them:
// the watch and proxy verbs and the streaming subresources. They hold no in-flight slot and get
// no request deadline; a watch ends by its own timeoutSeconds instead.
import type { RequestInfo } from '../http/request-info.js';

const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

export function isLongRunning(info: RequestInfo, query: URLSearchParams): boolean {
  if (info.kind !== 'resource') return false;
  if (info.verb === 'watch' || query.get('watch') === 'true' || query.get('watch') === '1') return true;
  return info.subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(info.subresource);
}
