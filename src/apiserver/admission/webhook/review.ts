// admission.k8s.io AdmissionReview: the request the API server sends a webhook and the checks
// on its answer (upstream's CreateAdmissionObjects and VerifyAdmissionResponse).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../api/meta/types.js';
import type { ResourceEntry } from '../../registry/entry.js';
import type { Requester } from '../../rest/resource-store.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionInput {
  entry: ResourceEntry;
  operation: Operation;
  name: string;
  namespace: string;
  subresource: string;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  requester?: Requester;
  dryRun: boolean;
}

const OPTIONS_KIND: Record<Operation, string> = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' };

/** The AdmissionRequest (also the CEL `request` variable, less the objects). */
export function admissionRequest(r: AdmissionInput, uid: string = randomUUID()): Record<string, unknown> {
  const e = r.entry;
  const kind = { group: e.group, version: e.version, kind: e.kind };
  const resource = { group: e.group, version: e.version, resource: e.resource };
  const userInfo: Record<string, unknown> = { username: r.requester?.name ?? '' };
  if (r.requester?.uid) userInfo.uid = r.requester.uid;
  if (r.requester?.groups.length) userInfo.groups = [...r.requester.groups];
  if (r.requester?.extra && Object.keys(r.requester.extra).length) userInfo.extra = r.requester.extra;
  const out: Record<string, unknown> = { uid, kind, resource };
  if (r.subresource) out.subResource = r.subresource;
  out.requestKind = kind;
  out.requestResource = resource;
  if (r.subresource) out.requestSubResource = r.subresource;
  if (r.name) out.name = r.name;
  if (r.namespace) out.namespace = r.namespace;
  out.operation = r.operation;
  out.userInfo = userInfo;
  out.object = r.object ?? null;
  out.oldObject = r.oldObject ?? null;
  out.dryRun = r.dryRun;
  if (OPTIONS_KIND[r.operation]) out.options = { kind: OPTIONS_KIND[r.operation], apiVersion: 'meta.k8s.io/v1' };
  return out;
}

export function admissionReview(version: string, request: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${version}`, request };
}

/** The version a webhook is sent: the first of its list the server speaks. */
export function reviewVersion(versions: readonly string[] | undefined): string | undefined {
  return (versions ?? []).find((v) => v === 'v1' || v === 'v1beta1');
}

export interface AdmissionResult {
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; status?: string; details?: unknown };
  /** The decoded JSONPatch bytes (base64 on the wire). */
  patch?: Buffer;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The answer checked as upstream's VerifyAdmissionResponse; a string is the reason it is invalid. */
export function verifyAdmissionResponse(body: unknown, uid: string, version: string, mutating: boolean): AdmissionResult | string {
  if (!isRecord(body)) return 'webhook response was absent';
  const response = body.response;
  if (!isRecord(response)) return 'webhook response was absent';
  if (response.uid !== uid) return `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(typeof response.uid === 'string' ? response.uid : '')}`;
  const gvk = `admission.k8s.io/${version}, Kind=AdmissionReview`;
  const [group, v] = typeof body.apiVersion === 'string' && body.apiVersion.includes('/') ? body.apiVersion.split('/') : ['', String(body.apiVersion ?? '')];
  const got = `${group ? `${group}/` : ''}${v}, Kind=${String(body.kind ?? '')}`;
  if (got !== gvk) return `expected webhook response of ${gvk}, got ${got}`;
  const patchType = typeof response.patchType === 'string' ? response.patchType : '';
  const rawPatch = typeof response.patch === 'string' ? response.patch : '';
  if (!mutating && patchType) return 'validating webhook may not return response.patchType';
  if (!mutating && rawPatch) return 'validating webhook may not return response.patch';
  if (mutating && rawPatch && !patchType) return 'mutating webhook returned response.patch but not response.patchType';
  if (mutating && !rawPatch && patchType) return 'mutating webhook returned response.patchType but not response.patch';
  if (mutating && patchType && patchType !== 'JSONPatch') return `mutating webhook returned invalid response.patchType of ${JSON.stringify(patchType)}`;
  const warnings = Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [];
  const auditAnnotations: Record<string, string> = {};
  if (isRecord(response.auditAnnotations)) for (const [k, val] of Object.entries(response.auditAnnotations)) if (typeof val === 'string') auditAnnotations[k] = val;
  return {
    allowed: response.allowed === true,
    status: isRecord(response.status) ? (response.status as AdmissionResult['status']) : undefined,
    patch: rawPatch ? Buffer.from(rawPatch, 'base64') : undefined,
    warnings,
    auditAnnotations,
  };
}
