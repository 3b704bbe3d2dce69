// One request's audit events, as upstream's audit filters write them: the level comes from the
// policy once the user is known; RequestReceived goes out then, ResponseStarted when a
// long-running response begins, ResponseComplete (or Panic) when it ends. Field order and names
// are audit.k8s.io/v1 Event's. Bodies appear only at the levels that ask for them.
import { randomUUID } from 'node:crypto';
import type { Status } from '../../api/meta/types.js';
import type { UserInfo } from '../auth/token.js';
import type { AuthorizerResult } from '../authz/authorizer.js';
import { decodeBody } from '../http/body.js';
import { requestBodyOf } from '../http/request-body.js';
import { AUDIT_API_VERSION, evaluatePolicy, levelAtLeast, type AuditAttributes, type AuditPolicy, type AuditStage, type RequestAuditConfig } from './policy.js';
import type { AuditSink } from './log-writer.js';

export interface AuditRequestInfo {
  /** The request as received: its headers, its socket's address. */
  req: { headers: Record<string, string | string[] | undefined>; socket?: { remoteAddress?: string } | null };
  requestURI: string;
  attributes: Omit<AuditAttributes, 'user'> & { apiVersion: string };
  longRunning: boolean;
  received: number;
  /** A protocol upgrade (exec, attach, port-forward): its response starts with 101. */
  upgrade?: boolean;
}

const DECISION = 'authorization.k8s.io/decision';
const REASON = 'authorization.k8s.io/reason';
/** Response bodies kept for responseObject are bounded like request bodies. */
const MAX_CAPTURE_BYTES = 3 * 1024 * 1024;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** RFC 3339 with microseconds, as Go's MicroTime. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

function auditUser(u: UserInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { username: u.name };
  if (u.uid) out['uid'] = u.uid;
  out['groups'] = u.groups;
  if (u.extra && Object.keys(u.extra).length) out['extra'] = u.extra;
  return out;
}

function sourceIPs(req: AuditRequestInfo['req']): string[] {
  const ips: string[] = [];
  const forwarded = req.headers['x-forwarded-for'];
  for (const part of (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',')) if (part.trim()) ips.push(part.trim());
  const real = req.headers['x-real-ip'];
  if (typeof real === 'string' && real.trim()) ips.push(real.trim());
  const remote = req.socket?.remoteAddress?.replace(/^::ffff:/, '');
  if (remote && !ips.includes(remote)) ips.push(remote);
  return ips;
}

function withoutManagedFields(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as { metadata?: Record<string, unknown>; items?: unknown[] };
  const copy: Record<string, unknown> = { ...o };
  if (o.metadata && 'managedFields' in o.metadata) {
    const { managedFields: _drop, ...rest } = o.metadata;
    copy['metadata'] = rest;
  }
  if (Array.isArray(o.items)) copy['items'] = o.items.map(withoutManagedFields);
  return copy;
}

export class Auditor {
  constructor(
    private readonly policy: AuditPolicy,
    private readonly sink: AuditSink,
  ) {}

  begin(info: AuditRequestInfo): RequestAudit {
    return new RequestAudit(this.policy, this.sink, info);
  }

  close(): void {
    this.sink.close();
  }
}

export class RequestAudit {
  readonly auditID: string;
  private config?: RequestAuditConfig;
  private user?: UserInfo;
  private impersonatedUser?: UserInfo;
  private readonly annotations: Record<string, string> = {};
  private captured: Buffer[] = [];
  private capturedBytes = 0;
  private started = false;
  private done = false;
  /** Read at once: an HTTP/2 stream's socket is gone by the time the response completes. */
  private readonly sourceIPs: string[];

  constructor(
    private readonly policy: AuditPolicy,
    private readonly sink: AuditSink,
    private readonly info: AuditRequestInfo,
  ) {
    const given = info.req.headers['audit-id'];
    this.auditID = typeof given === 'string' && given ? given : randomUUID();
    this.sourceIPs = sourceIPs(info.req);
  }

  /** Authentication's outcome (undefined when it failed): decides the level and sends RequestReceived. */
  authenticated(user: UserInfo | undefined): void {
    if (this.config) return;
    this.user = user;
    this.config = evaluatePolicy(this.policy, { ...this.info.attributes, user });
    this.emit('RequestReceived');
  }

  impersonated(user: UserInfo): void {
    this.impersonatedUser = user;
  }

  /** An annotation from admission (upstream's AddAnnotation); the first value for a key stays. */
  annotate(key: string, value: string): void {
    if (!(key in this.annotations)) this.annotations[key] = value;
  }

  authorized(r: AuthorizerResult): void {
    this.annotations[DECISION] = r.decision === 'allow' ? 'allow' : 'forbid';
    this.annotations[REASON] = r.reason;
  }

  /** Whether the response body is wanted: for responseObject, or for a failure's Status. */
  wantsResponseBody(code: number): boolean {
    if (!this.config || this.config.level === 'None' || this.info.longRunning) return false;
    return code >= 400 || levelAtLeast(this.config.level, 'RequestResponse');
  }

  captureResponse(chunk: unknown): void {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.capturedBytes += b.length;
    if (this.capturedBytes > MAX_CAPTURE_BYTES) this.captured = [];
    else this.captured.push(b);
  }

  /** A long-running response's headers went out. */
  responseStarted(): void {
    if (!this.info.longRunning || this.started) return;
    this.started = true;
    this.emit('ResponseStarted');
  }

  /** `status` when the response was not written through a tapped response (a refused upgrade). */
  complete(code: number, status?: Status): void {
    this.finish('ResponseComplete', code, status);
  }

  panic(message: string): void {
    this.finish('Panic', 500, { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 } as Status);
  }

  private finish(stage: AuditStage, code: number, status?: Status): void {
    if (this.done) return;
    this.done = true;
    if (!this.config) this.authenticated(undefined);
    this.emit(stage, code, status);
  }

  private responseBody(): Record<string, unknown> | undefined {
    if (!this.captured.length || this.capturedBytes > MAX_CAPTURE_BYTES) return undefined;
    try {
      const v = JSON.parse(Buffer.concat(this.captured).toString('utf8')) as unknown;
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private requestObject(): unknown {
    const a = this.info.attributes;
    if (!a.resourceRequest || !WRITE_VERBS.has(a.verb)) return undefined;
    const body = requestBodyOf(this.info.req);
    if (body.object !== undefined) return body.object;
    if (!body.raw?.length) return undefined;
    const type = String(this.info.req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
    try {
      return decodeBody(body.raw, type.includes('yaml') ? 'application/yaml' : 'application/json');
    } catch {
      return undefined;
    }
  }

  private emit(stage: AuditStage, code?: number, status?: Status): void {
    const c = this.config;
    if (!c || c.level === 'None' || c.omitStages.has(stage)) return;
    const a = this.info.attributes;
    const ev: Record<string, unknown> = {
      kind: 'Event',
      apiVersion: AUDIT_API_VERSION,
      level: c.level,
      auditID: this.auditID,
      stage,
      requestURI: this.info.requestURI,
      verb: a.verb,
      user: this.user ? auditUser(this.user) : {},
    };
    if (this.impersonatedUser) ev['impersonatedUser'] = auditUser(this.impersonatedUser);
    ev['sourceIPs'] = this.sourceIPs;
    const agent = this.info.req.headers['user-agent'];
    if (typeof agent === 'string') ev['userAgent'] = agent;
    if (a.resourceRequest) {
      const ref: Record<string, string> = { resource: a.resource };
      if (a.namespace) ref['namespace'] = a.namespace;
      if (a.name) ref['name'] = a.name;
      if (a.apiGroup) ref['apiGroup'] = a.apiGroup;
      if (a.apiVersion) ref['apiVersion'] = a.apiVersion;
      if (a.subresource) ref['subresource'] = a.subresource;
      ev['objectRef'] = ref;
    }
    const final = stage !== 'RequestReceived';
    const response = final && stage !== 'ResponseStarted' ? this.responseBody() : undefined;
    if (code !== undefined) ev['responseStatus'] = responseStatus(code, status ?? (response?.['kind'] === 'Status' ? (response as unknown as Status) : undefined));
    else if (stage === 'ResponseStarted') ev['responseStatus'] = { metadata: {}, code: this.info.upgrade ? 101 : 200 };
    if (levelAtLeast(c.level, 'Request')) {
      const obj = this.requestObject();
      if (obj !== undefined) ev['requestObject'] = c.omitManagedFields ? withoutManagedFields(obj) : obj;
    }
    if (levelAtLeast(c.level, 'RequestResponse') && response && stage === 'ResponseComplete') {
      ev['responseObject'] = c.omitManagedFields ? withoutManagedFields(response) : response;
    }
    ev['requestReceivedTimestamp'] = microTime(this.info.received);
    ev['stageTimestamp'] = microTime(Date.now());
    if (Object.keys(this.annotations).length) ev['annotations'] = { ...this.annotations };
    this.sink.write(`${JSON.stringify(ev)}\n`);
  }
}

/** As upstream: a success carries only its code; a failure's Status its bounded fields. */
function responseStatus(code: number, s: Status | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { metadata: {} };
  if (s && code >= 300) {
    if (s.status) out['status'] = s.status;
    if (s.message) out['message'] = s.message;
    if (s.reason) out['reason'] = s.reason;
    if (s.details) out['details'] = s.details;
  }
  out['code'] = code;
  return out;
}
