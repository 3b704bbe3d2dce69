// From the Gateway API objects in the caches to what the data plane serves, and the status the
// spec asks for: GatewayClasses naming our controller are Accepted; their Gateways' HTTP
// listeners become virtual servers (by port and hostname); HTTPRoutes attach to listeners as
// parentRefs, allowedRoutes and hostnames permit, and their rules become an ordered list of
// matches (the spec's precedence) with the action each takes (filters, weighted backends). Pure
// and level-based, like the Ingress model beside it.
import type { Service, ServicePort } from '../../api/core/v1/types.js';
import type { EndpointSlice } from '../../api/discovery/v1/types.js';
import { selectorFromLabelSelector } from '../../api/labels/label-selector.js';
import type { LabelSelector } from '../../api/meta/types.js';
import { readyEndpoints, type Upstream } from '../model.js';
import {
  GATEWAY_GROUP,
  type BackendRef,
  type Condition,
  type Gateway,
  type GatewayClass,
  type GRPCRoute,
  type HeaderModifier,
  type HTTPRoute,
  type HTTPRouteFilter,
  type HTTPRouteMatch,
  type Listener,
  type ListenerStatus,
  type ParentRef,
  type PathModifier,
  type ReferenceGrant,
  type RouteParentStatus,
} from './types.js';

export const GATEWAY_CONTROLLER_NAME = 'k8ts.io/gateway-controller';
/** The listener port the node's ingress HTTP port stands for (it is 80 unless --ingress-http-port says otherwise). */
export const INGRESS_HTTP_LISTENER_PORT = 80;
const SUPPORTED_KINDS = [{ group: GATEWAY_GROUP, kind: 'HTTPRoute' }];

export interface GatewayView {
  classes: GatewayClass[];
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GRPCRoute[];
  grants: ReferenceGrant[];
  namespaceLabels(name: string): Record<string, string> | undefined;
  service(namespace: string, name: string): Service | undefined;
  slices(namespace: string, service: string): EndpointSlice[];
  /** The node addresses a Programmed Gateway reports. */
  addresses: string[];
}

/** A condition a request must meet; all of a rule's must hold. */
export type Test =
  | { on: 'path'; type: 'Exact' | 'PathPrefix' | 'RegularExpression'; value: string }
  | { on: 'header' | 'query'; name: string; type: 'Exact' | 'RegularExpression'; value: string }
  | { on: 'method'; value: string };

export interface WeightedTarget {
  /** An upstream name, or a status for a backend that cannot be reached (500: invalid ref, 503: no ready endpoint). */
  target: { upstream: string } | { status: 500 | 503 };
  weight: number;
}

export interface RouteAction {
  /** Unique within the model: the internal location (and variables) of the action. */
  id: number;
  requestHeaders?: HeaderModifier;
  responseHeaders?: HeaderModifier;
  redirect?: { scheme?: string; hostname?: string; port?: number; path?: PathModifier; statusCode: number; listenerPort: number };
  rewrite?: { hostname?: string; path?: PathModifier };
  /** The prefix the rule matched, for ReplacePrefixMatch. */
  prefix?: string;
  /** Empty: 500 (no usable backend), as the spec says. */
  backends: WeightedTarget[];
  from: string;
}

export interface GatewayRule {
  tests: Test[];
  action: RouteAction;
}

export interface GatewayServer {
  /** The listener port; INGRESS_HTTP_LISTENER_PORT is served on the ingress HTTP port, merged with Ingresses. */
  port: number;
  /** "" for a listener (and routes) without hostname: the catch-all. Wildcards (`*.a.com`) match one or more labels. */
  host: string;
  /** In the order they are tried: the first whose tests all hold answers. */
  rules: GatewayRule[];
}

export interface GatewayModel {
  servers: GatewayServer[];
  upstreams: Upstream[];
  classStatus: Map<string, { conditions: Condition[] }>;
  gatewayStatus: Map<string, NonNullable<Gateway['status']>>;
  /** By route key: this controller's entries of status.parents. */
  httpRouteParents: Map<string, RouteParentStatus[]>;
  grpcRouteParents: Map<string, RouteParentStatus[]>;
}

const keyOf = (o: { metadata: { namespace?: string; name?: string } }) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
const cond = (type: string, ok: boolean, reason: string, message: string, generation?: number): Condition => ({ type, status: ok ? 'True' : 'False', reason, message, observedGeneration: generation });

/** Whether a hostname matches a pattern (Gateway API wildcards: `*.a.com` is any number of labels before `.a.com`). */
function hostMatches(host: string, pattern: string): boolean {
  if (!pattern.startsWith('*.')) return host === pattern;
  return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
}

/**
 * The hostnames a route serves on a listener: the intersection of the two (the more specific of
 * a matching pair), or every route hostname when the listener has none; `[""]` when neither has
 * any; `[]` when they do not meet.
 */
export function effectiveHostnames(listener: string | undefined, route: string[] | undefined): string[] {
  if (!route?.length) return [listener ?? ''];
  if (!listener) return [...route];
  const out = new Set<string>();
  for (const h of route) {
    if (hostMatches(h, listener) || h === listener) out.add(h);
    else if (h.startsWith('*.') && hostMatches(listener, h)) out.add(listener);
  }
  return [...out];
}

function allowedNamespace(l: Listener, gw: Gateway, routeNs: string, view: GatewayView): boolean {
  const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Same') return routeNs === gw.metadata.namespace;
  try {
    return selectorFromLabelSelector(l.allowedRoutes?.namespaces?.selector as LabelSelector | undefined).matches(view.namespaceLabels(routeNs) ?? {});
  } catch {
    return false;
  }
}

/** The route kinds a listener takes: HTTPRoute unless allowedRoutes.kinds names others only. */
function listenerKinds(l: Listener): { supported: { group: string; kind: string }[]; invalid: boolean } {
  const asked = l.allowedRoutes?.kinds;
  if (!asked?.length) return { supported: l.protocol === 'HTTP' ? SUPPORTED_KINDS : [], invalid: false };
  const supported = SUPPORTED_KINDS.filter((s) => asked.some((k) => k.kind === s.kind && (k.group ?? GATEWAY_GROUP) === s.group));
  return { supported, invalid: supported.length < asked.length };
}

/** Precedence of a rule's match (the spec's order): higher sorts first. */
function rank(m: HTTPRouteMatch): number[] {
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  // Exact first, then regular expressions (implementation-specific; longest first), then the longest prefix.
  const kind = type === 'Exact' ? 3 : type === 'RegularExpression' ? 2 : 1;
  return [kind, value.length, m.method ? 1 : 0, m.headers?.length ?? 0, m.queryParams?.length ?? 0];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! - a[i]!;
  return 0;
}

const normalizePrefix = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

function testsFor(m: HTTPRouteMatch): Test[] {
  const tests: Test[] = [];
  const type = m.path?.type ?? 'PathPrefix';
  const value = m.path?.value ?? '/';
  if (!(type === 'PathPrefix' && normalizePrefix(value) === '/')) tests.push({ on: 'path', type, value: type === 'PathPrefix' ? normalizePrefix(value) : value });
  if (m.method) tests.push({ on: 'method', value: m.method });
  for (const h of m.headers ?? []) tests.push({ on: 'header', name: h.name.toLowerCase(), type: h.type ?? 'Exact', value: h.value });
  for (const q of m.queryParams ?? []) tests.push({ on: 'query', name: q.name, type: q.type ?? 'Exact', value: q.value });
  return tests;
}

// What the data plane can write into its configuration: no quotes, backslashes, braces,
// semicolons, `$` (nginx would read a variable) or control characters in values; header names
// nginx can name as $http_… variables (letters, digits, '-'), query names as $arg_… ones.
const SAFE_VALUE = /^[^"\\{};$\x00-\x1f\x7f]*$/;
const SAFE_REGEX = /^[^"\x00-\x1f\x7f]*$/;
const SAFE_NAME = /^[A-Za-z0-9-]+$/;
const SAFE_QUERY_NAME = /^[A-Za-z0-9_]+$/;
const SAFE_PATH = /^\/[A-Za-z0-9\-._~!&'()*+,=:@/%]*$/;

function compiles(re: string): boolean {
  try {
    new RegExp(re);
    return true;
  } catch {
    return false;
  }
}

/** Why the data plane cannot serve a match or filter, or undefined. */
function unservable(m: HTTPRouteMatch[], filters: HTTPRouteFilter[]): string | undefined {
  for (const x of m) {
    const t = x.path?.type ?? 'PathPrefix';
    const v = x.path?.value ?? '/';
    if (t !== 'RegularExpression' && !SAFE_PATH.test(v)) return `path ${JSON.stringify(v)} has characters the data plane does not route`;
    if (t === 'RegularExpression') {
      if (!SAFE_REGEX.test(v)) return `path regular expression ${JSON.stringify(v)} has characters the data plane does not take`;
      if (!compiles(v)) return `path regular expression ${JSON.stringify(v)} does not compile`;
    }
    for (const [h, query] of [...(x.headers ?? []).map((h) => [h, false] as const), ...(x.queryParams ?? []).map((q) => [q, true] as const)]) {
      const nameOk = (query ? SAFE_QUERY_NAME : SAFE_NAME).test(h.name);
      const valueOk = h.type === 'RegularExpression' ? SAFE_REGEX.test(h.value) && compiles(h.value) : SAFE_VALUE.test(h.value);
      if (!nameOk || !valueOk) return `match on ${JSON.stringify(h.name)} has characters the data plane does not take`;
    }
  }
  for (const f of filters) {
    if (!['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'].includes(f.type)) return `filter type ${f.type} is not supported`;
    for (const mod of [f.requestHeaderModifier, f.responseHeaderModifier]) {
      for (const h of [...(mod?.set ?? []), ...(mod?.add ?? [])]) if (!SAFE_NAME.test(h.name) || !SAFE_VALUE.test(h.value)) return `header ${JSON.stringify(h.name)} has characters the data plane does not take`;
      for (const n of mod?.remove ?? []) if (!SAFE_NAME.test(n)) return `header ${JSON.stringify(n)} has characters the data plane does not take`;
    }
    const path = f.requestRedirect?.path ?? f.urlRewrite?.path;
    const p = path?.replaceFullPath ?? path?.replacePrefixMatch;
    if (p !== undefined && !SAFE_PATH.test(p)) return `path ${JSON.stringify(p)} has characters the data plane does not take`;
    for (const h of [f.requestRedirect?.hostname, f.urlRewrite?.hostname]) if (h !== undefined && !SAFE_VALUE.test(h)) return `hostname ${JSON.stringify(h)} is not usable`;
  }
  return undefined;
}

interface Attachment {
  gateway: Gateway;
  listener: Listener;
  hostnames: string[];
}

export function buildGatewayModel(view: GatewayView): GatewayModel {
  const classStatus = new Map<string, { conditions: Condition[] }>();
  const ours = new Set<string>();
  for (const c of view.classes) {
    if (c.spec?.controllerName !== GATEWAY_CONTROLLER_NAME || c.metadata.deletionTimestamp) continue;
    ours.add(c.metadata.name ?? '');
    classStatus.set(c.metadata.name ?? '', { conditions: [cond('Accepted', true, 'Accepted', 'Handled by the k8ts ingress data plane', c.metadata.generation)] });
  }
  const gateways = view.gateways.filter((g) => ours.has(g.spec?.gatewayClassName ?? '') && !g.metadata.deletionTimestamp);
  const gatewayByKey = new Map(gateways.map((g) => [keyOf(g), g]));
  // Listeners that can take routes, and why others cannot.
  const listenerProblems = new Map<string, Condition[]>();
  const usable = new Set<string>();
  const lkey = (g: Gateway, l: Listener) => `${keyOf(g)}#${l.name}`;
  for (const g of gateways) {
    const seen = new Map<string, string>();
    for (const l of g.spec?.listeners ?? []) {
      const gen = g.metadata.generation;
      const kinds = listenerKinds(l);
      const conflict = `${l.port}/${l.hostname ?? ''}`;
      const conds: Condition[] = [];
      if (l.protocol !== 'HTTP') {
        conds.push(cond('Accepted', false, 'UnsupportedProtocol', `protocol ${l.protocol} is not supported (HTTP only)`, gen), cond('Programmed', false, 'Invalid', 'the listener is not accepted', gen));
      } else if (seen.has(conflict)) {
        conds.push(cond('Accepted', true, 'Accepted', 'Listener is accepted', gen), cond('Programmed', false, 'Invalid', 'the listener conflicts with another', gen));
      } else {
        conds.push(cond('Accepted', true, 'Accepted', 'Listener is accepted', gen), cond('Programmed', true, 'Programmed', 'Listener is programmed', gen));
        usable.add(lkey(g, l));
      }
      conds.push(kinds.invalid ? cond('ResolvedRefs', false, 'InvalidRouteKinds', 'only HTTPRoute is supported', gen) : cond('ResolvedRefs', true, 'ResolvedRefs', 'All references are resolved', gen));
      conds.push(seen.has(conflict) ? cond('Conflicted', true, 'HostnameConflict', `listener ${seen.get(conflict)} has the same port and hostname`, gen) : cond('Conflicted', false, 'NoConflicts', 'No conflicts', gen));
      if (!seen.has(conflict)) seen.set(conflict, l.name);
      listenerProblems.set(lkey(g, l), conds);
    }
  }
  const attached = new Map<string, number>();
  const upstreams = new Map<string, Upstream>();
  const serverMap = new Map<string, GatewayServer & { candidates: { rank: number[]; age: string; from: string; order: number; rule: GatewayRule }[] }>();
  let nextId = 1;

  const granted = (fromNs: string, fromKind: string, toNs: string, toKind: string, toName: string) =>
    view.grants.some(
      (g) =>
        g.metadata.namespace === toNs &&
        (g.spec?.from ?? []).some((f) => f.group === GATEWAY_GROUP && f.kind === fromKind && f.namespace === fromNs) &&
        (g.spec?.to ?? []).some((t) => (t.group ?? '') === '' && t.kind === toKind && (!t.name || t.name === toName)),
    );

  const upstreamFor = (ns: string, svc: Service, sp: ServicePort): string => {
    const name = `${ns}_${svc.metadata.name}_${sp.port}`;
    if (!upstreams.has(name)) upstreams.set(name, { name, servers: readyEndpoints(view.slices(ns, svc.metadata.name ?? ''), sp) });
    return name;
  };

  /** A backendRef as a target, and the ResolvedRefs problem it has, if any. */
  const resolve = (route: HTTPRoute, b: BackendRef): { target: WeightedTarget['target']; problem?: { reason: string; message: string } } => {
    const ns = b.namespace ?? route.metadata.namespace ?? 'default';
    const group = b.group ?? '';
    const kind = b.kind ?? 'Service';
    if (group !== '' || kind !== 'Service') return { target: { status: 500 }, problem: { reason: 'InvalidKind', message: `backendRef ${group}/${kind} ${b.name} is not a Service` } };
    if (ns !== route.metadata.namespace && !granted(route.metadata.namespace ?? '', 'HTTPRoute', ns, 'Service', b.name)) {
      return { target: { status: 500 }, problem: { reason: 'RefNotPermitted', message: `backendRef to Service ${ns}/${b.name} is not permitted by any ReferenceGrant` } };
    }
    const svc = view.service(ns, b.name);
    if (!svc) return { target: { status: 500 }, problem: { reason: 'BackendNotFound', message: `Service ${ns}/${b.name} not found` } };
    if (b.port === undefined) return { target: { status: 500 }, problem: { reason: 'BackendNotFound', message: `backendRef to Service ${ns}/${b.name} needs a port` } };
    const sp = svc.spec?.ports?.find((p) => p.port === b.port);
    if (!sp) return { target: { status: 500 }, problem: { reason: 'BackendNotFound', message: `Service ${ns}/${b.name} has no port ${b.port}` } };
    const upstream = upstreamFor(ns, svc, sp);
    return { target: upstreams.get(upstream)!.servers.length ? { upstream } : { status: 503 } };
  };

  const httpRouteParents = new Map<string, RouteParentStatus[]>();
  const routes = view.httpRoutes.filter((r) => !r.metadata.deletionTimestamp);
  for (const route of routes) {
    const rkey = keyOf(route);
    const ns = route.metadata.namespace ?? 'default';
    const gen = route.metadata.generation;
    const parents: RouteParentStatus[] = [];
    // ResolvedRefs is the route's, the same for every parent.
    let refProblem: { reason: string; message: string } | undefined;
    let unsupported: string | undefined;
    for (const r of route.spec?.rules ?? []) {
      unsupported ??= unservable(r.matches ?? [], r.filters ?? []);
      if ((r.backendRefs ?? []).some((b) => b.filters?.length)) unsupported ??= 'filters on backendRefs are not supported';
      for (const b of r.backendRefs ?? []) refProblem ??= resolve(route, b).problem;
    }
    for (const ref of route.spec?.parentRefs ?? []) {
      if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
      const gw = gatewayByKey.get(`${ref.namespace ?? ns}/${ref.name}`);
      // A Gateway that is not ours (or not there) is another controller's to report on.
      if (!gw) continue;
      const parentRef: ParentRef = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: ref.namespace ?? ns, name: ref.name, ...(ref.sectionName ? { sectionName: ref.sectionName } : {}), ...(ref.port ? { port: ref.port } : {}) };
      const listeners = (gw.spec?.listeners ?? []).filter((l) => (!ref.sectionName || l.name === ref.sectionName) && (!ref.port || l.port === ref.port));
      let accepted: Condition;
      const attachments: Attachment[] = [];
      if (!listeners.length) accepted = cond('Accepted', false, 'NoMatchingParent', `Gateway ${parentRef.namespace}/${ref.name} has no listener${ref.sectionName ? ` named ${ref.sectionName}` : ''}${ref.port ? ` on port ${ref.port}` : ''}`, gen);
      else {
        const allowed = listeners.filter((l) => usable.has(lkey(gw, l)) && listenerKinds(l).supported.length && allowedNamespace(l, gw, ns, view));
        for (const l of allowed) {
          const hostnames = effectiveHostnames(l.hostname, route.spec?.hostnames);
          if (hostnames.length) attachments.push({ gateway: gw, listener: l, hostnames });
        }
        if (!allowed.length) accepted = cond('Accepted', false, 'NotAllowedByListeners', 'No listener of the Gateway allows this route', gen);
        else if (!attachments.length) accepted = cond('Accepted', false, 'NoMatchingListenerHostname', 'No listener hostname matches the route’s hostnames', gen);
        else if (unsupported) accepted = cond('Accepted', false, 'UnsupportedValue', unsupported, gen);
        else accepted = cond('Accepted', true, 'Accepted', 'Route is accepted', gen);
      }
      const resolved = refProblem ? cond('ResolvedRefs', false, refProblem.reason, refProblem.message, gen) : cond('ResolvedRefs', true, 'ResolvedRefs', 'All references are resolved', gen);
      parents.push({ parentRef, controllerName: GATEWAY_CONTROLLER_NAME, conditions: [accepted, resolved] });
      if (accepted.status !== 'True') continue;
      for (const a of attachments) {
        attached.set(lkey(a.gateway, a.listener), (attached.get(lkey(a.gateway, a.listener)) ?? 0) + 1);
        (route.spec?.rules ?? []).forEach((rule, ruleIndex) => {
          const filters = rule.filters ?? [];
          const redirect = filters.find((f) => f.type === 'RequestRedirect')?.requestRedirect;
          const rewrite = filters.find((f) => f.type === 'URLRewrite')?.urlRewrite;
          const backends = (rule.backendRefs ?? []).map((b) => ({ target: resolve(route, b).target, weight: b.weight ?? 1 })).filter((b) => b.weight > 0);
          const matches = rule.matches?.length ? rule.matches : [{ path: { type: 'PathPrefix' as const, value: '/' } }];
          matches.forEach((m, matchIndex) => {
            const prefix = (m.path?.type ?? 'PathPrefix') === 'PathPrefix' ? normalizePrefix(m.path?.value ?? '/') : undefined;
            const action: RouteAction = {
              id: nextId++,
              requestHeaders: filters.find((f) => f.type === 'RequestHeaderModifier')?.requestHeaderModifier,
              responseHeaders: filters.find((f) => f.type === 'ResponseHeaderModifier')?.responseHeaderModifier,
              redirect: redirect ? { ...redirect, statusCode: redirect.statusCode ?? 302, listenerPort: a.listener.port } : undefined,
              rewrite,
              prefix,
              backends,
              from: rkey,
            };
            for (const host of a.hostnames) {
              const skey = `${a.listener.port}|${host}`;
              let s = serverMap.get(skey);
              if (!s) serverMap.set(skey, (s = { port: a.listener.port, host, rules: [], candidates: [] }));
              s.candidates.push({ rank: rank(m), age: route.metadata.creationTimestamp ?? '', from: rkey, order: ruleIndex * 1000 + matchIndex, rule: { tests: testsFor(m), action } });
            }
          });
        });
      }
    }
    if (parents.length) httpRouteParents.set(rkey, parents);
  }

  // GRPCRoutes attach nowhere: no listener of ours lists GRPCRoute among its supportedKinds.
  const grpcRouteParents = new Map<string, RouteParentStatus[]>();
  for (const route of view.grpcRoutes) {
    const ns = route.metadata.namespace ?? 'default';
    const parents: RouteParentStatus[] = [];
    for (const ref of route.spec?.parentRefs ?? []) {
      if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
      if (!gatewayByKey.has(`${ref.namespace ?? ns}/${ref.name}`)) continue;
      const gen = route.metadata.generation;
      parents.push({
        parentRef: { group: GATEWAY_GROUP, kind: 'Gateway', namespace: ref.namespace ?? ns, name: ref.name, ...(ref.sectionName ? { sectionName: ref.sectionName } : {}) },
        controllerName: GATEWAY_CONTROLLER_NAME,
        conditions: [cond('Accepted', false, 'NotAllowedByListeners', 'GRPCRoute is not supported by this data plane', gen), cond('ResolvedRefs', true, 'ResolvedRefs', 'All references are resolved', gen)],
      });
    }
    if (parents.length) grpcRouteParents.set(keyOf(route), parents);
  }

  const gatewayStatus = new Map<string, NonNullable<Gateway['status']>>();
  for (const g of gateways) {
    const gen = g.metadata.generation;
    const listeners: ListenerStatus[] = (g.spec?.listeners ?? []).map((l) => ({
      name: l.name,
      supportedKinds: listenerKinds(l).supported,
      attachedRoutes: attached.get(lkey(g, l)) ?? 0,
      conditions: listenerProblems.get(lkey(g, l)) ?? [],
    }));
    const allValid = (g.spec?.listeners ?? []).every((l) => usable.has(lkey(g, l)));
    const asked = g.spec?.addresses?.length;
    const conditions = [
      asked
        ? cond('Accepted', false, 'UnsupportedAddress', 'spec.addresses is not supported: a Gateway is served on the nodes’ addresses', gen)
        : cond('Accepted', true, allValid ? 'Accepted' : 'ListenersNotValid', allValid ? 'Gateway is accepted' : 'Some listeners are not valid', gen),
      asked
        ? cond('Programmed', false, 'Invalid', 'the Gateway is not accepted', gen)
        : view.addresses.length
          ? cond('Programmed', true, 'Programmed', 'Gateway is programmed', gen)
          : cond('Programmed', false, 'AddressNotAssigned', 'No node is Ready to serve it', gen),
    ];
    gatewayStatus.set(keyOf(g), { addresses: asked ? [] : view.addresses.map((value) => ({ type: 'IPAddress', value })), conditions, listeners });
  }

  const servers = [...serverMap.values()]
    .map(({ candidates, port, host }) => {
      candidates.sort((a, b) => compareRank(a.rank, b.rank) || (a.age < b.age ? -1 : a.age > b.age ? 1 : 0) || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || a.order - b.order);
      return { port, host, rules: candidates.map((c) => c.rule) };
    })
    .sort((a, b) => a.port - b.port || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  const used = new Set(servers.flatMap((s) => s.rules.flatMap((r) => r.action.backends.flatMap((b) => ('upstream' in b.target ? [b.target.upstream] : [])))));
  return {
    servers,
    upstreams: [...upstreams.values()].filter((u) => used.has(u.name)).sort((a, b) => (a.name < b.name ? -1 : 1)),
    classStatus,
    gatewayStatus,
    httpRouteParents,
    grpcRouteParents,
  };
}
