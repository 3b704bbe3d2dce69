// A server-side apply request (PATCH with application/apply-patch+yaml) end to end: the
// PatchOptions rules, the checks on the applied configuration, and create-or-update through
// the generic resource store with ownership computed by applyConfig.
import type { KubeObject } from '../../api/meta/types.js';
import { ref } from '../../api/schema/dsl.js';
import { ApiError, errors } from '../errors.js';
import type { ResourceEntry } from '../registry/entry.js';
import { nowTimestamp } from '../rest/object-meta.js';
import type { Requester, ResourceStore } from '../rest/resource-store.js';
import { applyConfig, ApplyConflictError, ApplyTypeError, conflictCauses } from '../fieldmanager/apply.js';
import { isObject } from '../fieldmanager/typed.js';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export interface ApplyOptions {
  fieldManager: string;
  force: boolean;
  dryRun: boolean;
  requester?: Requester;
  warn?: (message: string) => void;
  annotate?: (key: string, value: string) => void;
}

const MAX_ATTEMPTS = 3;

function invalidPatchOptions(field: string, type: 'FieldValueRequired' | 'FieldValueForbidden', detail: string): ApiError {
  const what = type === 'FieldValueRequired' ? 'Required value' : 'Forbidden';
  return new ApiError({
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Failure',
    message: `PatchOptions.meta.k8s.io "" is invalid: ${field}: ${what}: ${detail}`,
    reason: 'Invalid',
    details: { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: type, message: `${what}: ${detail}`, field }] },
    code: 422,
  });
}

/** PatchOptions as upstream validates them, for any patch type. */
export function patchOptions(query: URLSearchParams, isApply: boolean): { fieldManager: string | undefined; force: boolean } {
  const fieldManager = query.get('fieldManager') || undefined;
  const forceParam = query.get('force');
  if (!isApply && forceParam !== null) throw invalidPatchOptions('force', 'FieldValueForbidden', 'may not be specified for non-apply patch');
  if (isApply && !fieldManager) throw invalidPatchOptions('fieldManager', 'FieldValueRequired', 'is required for apply patch');
  if (forceParam !== null && forceParam !== '' && forceParam !== 'true' && forceParam !== 'false') {
    throw errors.badRequest(`force: Invalid value: "${forceParam}": must be a boolean`);
  }
  return { fieldManager, force: forceParam === 'true' };
}

/** Check the applied configuration against the URL; returns it with name and namespace filled in. */
export function checkAppliedConfig(entry: ResourceEntry, namespace: string | undefined, name: string, body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw errors.badRequest('error decoding YAML: the applied configuration is not an object');
  const apiVersion = body['apiVersion'];
  if (apiVersion !== entry.apiVersion) {
    throw errors.badRequest(`Incorrect version specified in apply patch. Specified patch version: ${typeof apiVersion === 'string' ? apiVersion : ''}, expected: ${entry.apiVersion}`);
  }
  if (body['kind'] !== entry.kind) {
    throw errors.badRequest(`the kind in the data (${String(body['kind'] ?? '')}) does not match the expected kind (${entry.kind})`);
  }
  const meta = body['metadata'] ?? {};
  if (!isObject(meta)) throw errors.badRequest('metadata must be an object');
  if (meta['managedFields'] !== undefined) throw errors.badRequest('metadata.managedFields must be nil');
  if (meta['name'] !== undefined && meta['name'] !== name) {
    throw errors.badRequest(`the name of the object (${String(meta['name'])}) does not match the name on the URL (${name})`);
  }
  if (entry.namespaced && meta['namespace'] !== undefined && meta['namespace'] !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return body;
}

/**
 * Apply `config` to the named object, creating it when it does not exist. Returns the written
 * object and the HTTP code (201 when created).
 */
export async function serveApply(resources: ResourceStore, clock: () => number, entry: ResourceEntry, namespace: string | undefined, name: string, config: Record<string, unknown>, opts: ApplyOptions): Promise<{ code: 200 | 201; object: KubeObject }> {
  const run = (live: KubeObject | undefined) => {
    try {
      return applyConfig({
        live,
        config,
        schema: ref(entry.def.schema),
        manager: opts.fieldManager,
        apiVersion: entry.apiVersion,
        force: opts.force,
        time: nowTimestamp(clock),
        resetPrefixes: entry.def.hasStatus ? [['f:status']] : [],
      });
    } catch (err) {
      // Upstream names the object by the configuration's own metadata.
      throw toApiError(err, entry, String((config['metadata'] as Record<string, unknown> | undefined)?.['namespace'] ?? ''), name);
    }
  };
  const writeOpts = { dryRun: opts.dryRun, fieldManager: opts.fieldManager, managedFieldsSet: true, requester: opts.requester, warn: opts.warn, annotate: opts.annotate };
  for (let attempt = 1; ; attempt++) {
    try {
      const { object } = await resources.update(entry, namespace, name, (current) => run(current), writeOpts);
      return { code: 200, object };
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404 && err.status.reason === 'NotFound') || attempt >= MAX_ATTEMPTS) throw err;
    }
    const obj = run(undefined);
    obj.metadata.name = name;
    if (entry.namespaced) obj.metadata.namespace = namespace;
    try {
      return { code: 201, object: await resources.create(entry, obj, writeOpts) };
    } catch (err) {
      // Someone created it meanwhile: apply to theirs.
      if (!(err instanceof ApiError && err.status.reason === 'AlreadyExists') || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

function toApiError(err: unknown, entry: ResourceEntry, configNamespace: string, name: string): unknown {
  if (err instanceof ApplyConflictError) {
    return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: err.message, reason: 'Conflict', details: { causes: conflictCauses(err.conflicts) }, code: 409 });
  }
  if (err instanceof ApplyTypeError) {
    // Upstream answers this one with a bare 500 (no reason); kubectl prints the message as is.
    const gvk = `${entry.group}/${entry.version}, Kind=${entry.kind}`;
    return new ApiError({ apiVersion: 'v1', kind: 'Status', metadata: {}, status: 'Failure', message: `failed to create typed patch object (${configNamespace}/${name}; ${gvk}): ${err.message}`, code: 500 });
  }
  return err;
}
