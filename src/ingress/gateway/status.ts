// Writing the Gateway API status the model computed. Every node's controller computes the same
// status from the same caches, so a write happens only when what is there differs in substance
// (lastTransitionTime aside), and a condition that keeps its status keeps its transition time.
// Route status.parents entries of other controllers are left as they are.
import type { ApiClient } from '../../client/rest.js';
import { gvr, resourcePath } from '../../client/resources.js';
import type { GatewayModel } from './model.js';
import { GATEWAY_GROUP, type Condition, type Gateway, type GatewayClass, type GRPCRoute, type HTTPRoute, type RouteParentStatus } from './types.js';

export const GATEWAY_RESOURCES = {
  gatewayclasses: gvr(GATEWAY_GROUP, 'v1', 'gatewayclasses'),
  gateways: gvr(GATEWAY_GROUP, 'v1', 'gateways'),
  httproutes: gvr(GATEWAY_GROUP, 'v1', 'httproutes'),
  grpcroutes: gvr(GATEWAY_GROUP, 'v1', 'grpcroutes'),
  referencegrants: gvr(GATEWAY_GROUP, 'v1beta1', 'referencegrants'),
};

/** `want`'s conditions with the transition times of `have`'s where the status did not change. */
export function withTransitionTimes(want: Condition[], have: Condition[] | undefined, now: string): Condition[] {
  return want.map((c) => {
    const prior = have?.find((h) => h.type === c.type);
    return { ...c, lastTransitionTime: prior && prior.status === c.status && prior.lastTransitionTime ? prior.lastTransitionTime : now };
  });
}

/**
 * JSON with every lastTransitionTime dropped and keys sorted: what two statuses are compared by
 * (a write that compared unequal to what it wrote would trigger itself for ever).
 */
const substance = (v: unknown): string =>
  JSON.stringify(v, (k, x: unknown) => {
    if (k === 'lastTransitionTime') return undefined;
    if (x && typeof x === 'object' && !Array.isArray(x)) return Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return x;
  });

const sameParent = (a: RouteParentStatus, b: RouteParentStatus) =>
  a.controllerName === b.controllerName && a.parentRef.name === b.parentRef.name && (a.parentRef.namespace ?? '') === (b.parentRef.namespace ?? '') && (a.parentRef.sectionName ?? '') === (b.parentRef.sectionName ?? '') && (a.parentRef.port ?? 0) === (b.parentRef.port ?? 0);

export interface GatewayObjects {
  classes: GatewayClass[];
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
}

export async function writeGatewayStatus(client: ApiClient, model: GatewayModel, objects: GatewayObjects, controllerName: string, log: (line: string) => void): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const put = (path: string, status: unknown, what: string) =>
    client.patch(path, { status }).catch((err: Error) => log(`gateway: status of ${what} not updated: ${err.message}`));
  const key = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

  for (const c of objects.classes) {
    const want = model.classStatus.get(c.metadata.name ?? '');
    if (!want || substance(want.conditions) === substance(c.status?.conditions)) continue;
    await put(resourcePath(GATEWAY_RESOURCES.gatewayclasses, undefined, c.metadata.name, 'status'), { conditions: withTransitionTimes(want.conditions, c.status?.conditions, now) }, `GatewayClass ${c.metadata.name}`);
  }
  for (const g of objects.gateways) {
    const want = model.gatewayStatus.get(key(g));
    if (!want) continue;
    const have = g.status;
    if (substance({ addresses: have?.addresses ?? [], conditions: have?.conditions, listeners: have?.listeners ?? [] }) === substance(want)) continue;
    const status = {
      addresses: want.addresses,
      conditions: withTransitionTimes(want.conditions ?? [], have?.conditions, now),
      listeners: (want.listeners ?? []).map((l) => ({ ...l, conditions: withTransitionTimes(l.conditions, have?.listeners?.find((h) => h.name === l.name)?.conditions, now) })),
    };
    await put(resourcePath(GATEWAY_RESOURCES.gateways, g.metadata.namespace, g.metadata.name, 'status'), status, `Gateway ${key(g)}`);
  }
  const routes = [
    ...objects.httpRoutes.map((r) => ({ r, res: GATEWAY_RESOURCES.httproutes, want: model.httpRouteParents.get(key(r)), kind: 'HTTPRoute' })),
    ...objects.grpcRoutes.map((r) => ({ r, res: GATEWAY_RESOURCES.grpcroutes, want: model.grpcRouteParents.get(key(r)), kind: 'GRPCRoute' })),
  ];
  for (const { r, res, want, kind } of routes) {
    const have = r.status?.parents ?? [];
    const mine = have.filter((p) => p.controllerName === controllerName);
    const next = want ?? [];
    if (substance(mine) === substance(next)) continue;
    const parents = [
      ...have.filter((p) => p.controllerName !== controllerName),
      ...next.map((p) => ({ ...p, conditions: withTransitionTimes(p.conditions, have.find((h) => sameParent(h, p))?.conditions, now) })),
    ];
    await put(resourcePath(res, r.metadata.namespace, r.metadata.name, 'status'), { parents }, `${kind} ${key(r)}`);
  }
}
