// The serviceaccounts/token subresource, as upstream's TokenREST: a TokenRequest for an
// existing service account, optionally bound to a pod, secret or node (which must exist, with
// the uid given), answered with a signed token and its expiry.
import type { KubeObject } from '../../../api/meta/types.js';
import { TOKEN_REQUEST_SCHEMA } from '../../../api/authentication/v1/kinds.js';
import type { BoundObjectReference, TokenRequest, TokenRequestSpec } from '../../../api/authentication/v1/types.js';
import { invalid, type FieldError } from '../../../api/validation/field.js';
import {
  EXPIRATION_EXTENSION_SECONDS,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
  type ServiceAccountTokenIssuer,
  type TokenBinding,
} from '../../auth/serviceaccount-claims.js';
import { ApiError, errors } from '../../errors.js';
import { decodeWriteBody, methodNotAllowed } from '../codec.js';
import type { ApiContext } from '../context.js';
import { sendJson } from '../../http/respond.js';
import type { ResourceCall, ResourceEntry, Subresource } from '../../registry/entry.js';
import { warningHeader } from '../field-validation.js';
import { rfc3339 } from '../../../util/time.js';

export const TOKEN_REQUEST_API_VERSION = 'authentication.k8s.io/v1';
const TOKEN_REQUEST = { group: 'authentication.k8s.io', resource: 'tokenrequests', kind: 'TokenRequest' };
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 10 * 60;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export interface TokenRequestPolicy {
  issuer: ServiceAccountTokenIssuer;
  /** The API server's audiences: the default when a request names none. */
  apiAudiences: readonly string[];
  /** Longer requests are shortened to this, with a warning; 0 means no cap. */
  maxExpirationSeconds: number;
  /** Pod-bound tokens asked for with the kubelet's 3607 s are issued for a year (warned about after 3607 s). */
  extendExpiration: boolean;
}

export interface TokenRequestResult {
  object: TokenRequest;
  warnings: string[];
}

export function tokenRequestSubresource(ctx: ApiContext, policy: TokenRequestPolicy): Subresource {
  return { name: 'token', kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'], serve: (call) => serveTokenRequest(ctx, policy, call) };
}

async function serveTokenRequest(ctx: ApiContext, policy: TokenRequestPolicy, { entry: sas, verb, namespace, name, req, res }: ResourceCall): Promise<void> {
  if (!namespace) throw errors.notFoundPath();
  if (verb !== 'create') throw methodNotAllowed();
  // No registry entry serves TokenRequest alone: decode it against its own schema through the serviceaccounts entry.
  const entry = { ...sas, kind: 'TokenRequest', apiVersion: TOKEN_REQUEST_API_VERSION, def: { ...sas.def, schema: TOKEN_REQUEST_SCHEMA } } as ResourceEntry;
  const body = await decodeWriteBody(entry, req, namespace, 'TokenRequest', TOKEN_REQUEST_API_VERSION);
  const { object, warnings } = await createServiceAccountToken(ctx, policy, namespace, name, body);
  if (warnings.length) res.setHeader('Warning', warningHeader(warnings));
  sendJson(res, 201, object);
}

function readSpec(body: KubeObject): TokenRequestSpec {
  const spec = body['spec'];
  if (spec === undefined || spec === null) return {};
  if (typeof spec !== 'object' || Array.isArray(spec)) throw errors.badRequest('spec: must be an object');
  const s = spec as Record<string, unknown>;
  const audiences = s['audiences'];
  if (audiences !== undefined && audiences !== null && (!Array.isArray(audiences) || audiences.some((a) => typeof a !== 'string'))) {
    throw errors.badRequest('spec.audiences: must be a list of strings');
  }
  const exp = s['expirationSeconds'];
  if (exp !== undefined && exp !== null && !Number.isSafeInteger(exp)) throw errors.badRequest('spec.expirationSeconds: must be an integer');
  const ref = s['boundObjectRef'];
  if (ref !== undefined && ref !== null && (typeof ref !== 'object' || Array.isArray(ref))) throw errors.badRequest('spec.boundObjectRef: must be an object');
  const out: TokenRequestSpec = {};
  if (Array.isArray(audiences)) out.audiences = audiences as string[];
  if (typeof exp === 'number') out.expirationSeconds = exp;
  if (ref) {
    const r = ref as Record<string, unknown>;
    const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
    out.boundObjectRef = { kind: str('kind'), apiVersion: str('apiVersion'), name: str('name'), uid: str('uid') };
  }
  return out;
}

function groupOf(apiVersion: string | undefined): { group: string; version: string } {
  if (!apiVersion) return { group: '', version: '' };
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

async function getOrUndefined(ctx: ApiContext, entry: ResourceEntry | undefined, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
  if (!entry) return undefined;
  try {
    return await ctx.resources.get(entry, namespace, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

async function mustGet(ctx: ApiContext, resource: string, namespace: string | undefined, name: string): Promise<KubeObject> {
  const entry = ctx.registry.lookup('', 'v1', resource);
  if (!entry) throw errors.notFound({ group: '', resource }, name);
  return ctx.resources.get(entry, namespace, name);
}

/** Resolve the bound object into the token's binding; throws upstream's errors. */
async function bind(ctx: ApiContext, saName: string, namespace: string, ref: BoundObjectReference, binding: TokenBinding): Promise<'pod' | 'other'> {
  const gv = groupOf(ref.apiVersion);
  const kind = ref.kind ?? '';
  const name = ref.name ?? '';
  let uid: string | undefined;
  let bound: 'pod' | 'other' = 'other';
  if (gv.group === '' && kind === 'Pod') {
    const pod = await mustGet(ctx, 'pods', namespace, name);
    const spec = (pod['spec'] ?? {}) as { serviceAccountName?: string; nodeName?: string };
    // Pods with no service account named run as "default" (upstream's admission writes it in).
    if (saName !== (spec.serviceAccountName || 'default')) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    }
    uid = pod.metadata.uid;
    binding.pod = { name: pod.metadata.name!, uid: uid ?? '' };
    if (spec.nodeName) {
      const node = await getOrUndefined(ctx, ctx.registry.lookup('', 'v1', 'nodes'), undefined, spec.nodeName);
      if (node) binding.node = { name: node.metadata.name!, uid: node.metadata.uid ?? '' };
    }
    bound = 'pod';
  } else if (gv.group === '' && kind === 'Node') {
    const node = await mustGet(ctx, 'nodes', undefined, name);
    uid = node.metadata.uid;
    binding.node = { name: node.metadata.name!, uid: uid ?? '' };
  } else if (gv.group === '' && kind === 'Secret') {
    const secret = await mustGet(ctx, 'secrets', namespace, name);
    uid = secret.metadata.uid;
    binding.secret = { name: secret.metadata.name!, uid: uid ?? '' };
  } else {
    throw errors.badRequest(`cannot bind token for serviceaccount "${saName}" to object of type ${gv.group}/${gv.version}, Kind=${kind}`);
  }
  if (ref.uid && uid !== ref.uid) {
    throw errors.conflict({ group: gv.group, resource: kind }, name, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return bound;
}


export async function createServiceAccountToken(ctx: ApiContext, policy: TokenRequestPolicy, namespace: string, name: string, body: KubeObject): Promise<TokenRequestResult> {
  const warnings: string[] = [];
  if (body.metadata.name && body.metadata.name !== name) {
    throw errors.invalid(TOKEN_REQUEST, name, [invalid('metadata.name', body.metadata.name, 'must match the service account name if specified')]);
  }
  if (body.metadata.namespace && body.metadata.namespace !== namespace) {
    throw errors.invalid(TOKEN_REQUEST, name, [invalid('metadata.namespace', body.metadata.namespace, 'must match the service account namespace if specified')]);
  }
  const sa = await mustGet(ctx, 'serviceaccounts', namespace, name);
  const spec = readSpec(body);
  if (!spec.audiences?.length) spec.audiences = [...policy.apiAudiences];
  spec.expirationSeconds ??= DEFAULT_EXPIRATION_SECONDS;
  // Taken before the token is built, so the reported expiry is never later than the token's.
  const nowMs = ctx.clock();

  const errs: FieldError[] = [];
  if (spec.expirationSeconds < MIN_EXPIRATION_SECONDS) errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (spec.expirationSeconds > MAX_EXPIRATION_SECONDS) errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length) throw errors.invalid(TOKEN_REQUEST, '', errs);

  const binding: TokenBinding = { namespace, serviceAccount: { name: sa.metadata.name!, uid: sa.metadata.uid ?? '' } };
  const bound = spec.boundObjectRef ? await bind(ctx, name, namespace, spec.boundObjectRef, binding) : undefined;

  if (policy.maxExpirationSeconds > 0 && spec.expirationSeconds > policy.maxExpirationSeconds) {
    warnings.push(`requested expiration of ${spec.expirationSeconds} seconds shortened to ${policy.maxExpirationSeconds} seconds`);
    spec.expirationSeconds = policy.maxExpirationSeconds;
  }
  let lifetime = spec.expirationSeconds;
  let warnAfter: number | undefined;
  const forApiServer = spec.audiences.every((a) => policy.apiAudiences.includes(a));
  if (policy.extendExpiration && bound === 'pod' && spec.expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && forApiServer) {
    warnAfter = lifetime;
    lifetime = EXPIRATION_EXTENSION_SECONDS;
  }
  const token = policy.issuer.issue(binding, { audiences: spec.audiences, expirationSeconds: lifetime, warnAfterSeconds: warnAfter, nowMs });
  const object: TokenRequest = {
    kind: 'TokenRequest',
    apiVersion: TOKEN_REQUEST_API_VERSION,
    metadata: { name, namespace, creationTimestamp: rfc3339(nowMs) },
    spec,
    status: { token, expirationTimestamp: rfc3339(nowMs + spec.expirationSeconds * 1000) },
  };
  return { object, warnings };
}
