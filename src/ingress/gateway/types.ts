// The gateway.networking.k8s.io/v1 objects the controller reads, as far as it reads them (the
// CRDs in crds.ts define the whole shape).
import type { ObjectMeta } from '../../api/meta/types.js';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

interface GwObject<S, T> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: S;
  status?: T;
  [key: string]: unknown;
}

export type GatewayClass = GwObject<{ controllerName: string; description?: string }, { conditions?: Condition[] }>;

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  allowedRoutes?: {
    namespaces?: { from?: 'All' | 'Same' | 'Selector'; selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
    kinds?: { group?: string; kind: string }[];
  };
}

export interface ListenerStatus {
  name: string;
  attachedRoutes: number;
  supportedKinds: { group?: string; kind: string }[];
  conditions: Condition[];
}

export type Gateway = GwObject<
  { gatewayClassName: string; listeners: Listener[]; addresses?: { type?: string; value: string }[] },
  { addresses?: { type: string; value: string }[]; conditions?: Condition[]; listeners?: ListenerStatus[] }
>;

export interface ParentRef {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HeaderModifier {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

export interface PathModifier {
  type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HeaderModifier;
  responseHeaderModifier?: HeaderModifier;
  requestRedirect?: { scheme?: string; hostname?: string; path?: PathModifier; port?: number; statusCode?: number };
  urlRewrite?: { hostname?: string; path?: PathModifier };
}

export interface HTTPRouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  headers?: { type?: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  queryParams?: { type?: 'Exact' | 'RegularExpression'; name: string; value: string }[];
  method?: string;
}

export interface HTTPRouteRule {
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: BackendRef[];
}

export interface RouteParentStatus {
  parentRef: ParentRef;
  controllerName: string;
  conditions: Condition[];
}

export type HTTPRoute = GwObject<{ parentRefs?: ParentRef[]; hostnames?: string[]; rules?: HTTPRouteRule[] }, { parents?: RouteParentStatus[] }>;

/** GRPCRoutes are read to report on them: this data plane does not serve them (docs/gateway.md). */
export type GRPCRoute = GwObject<{ parentRefs?: ParentRef[]; hostnames?: string[] }, { parents?: RouteParentStatus[] }>;

export type ReferenceGrant = GwObject<{ from: { group: string; kind: string; namespace: string }[]; to: { group: string; kind: string; name?: string }[] }, never>;
