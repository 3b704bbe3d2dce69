// CRD conversion strategy Webhook: a ConversionReview (apiextensions.k8s.io/v1) over the shared
// webhook client, and the checks upstream's webhook converter makes of the answer (kind and
// uid, Success, one object per object sent in the desired version and kind); each converted
// object keeps the original's metadata but for labels and annotations. Failures are
// ConversionErrors with upstream's text: `conversion webhook for <gvk> failed: …`.
import { randomUUID } from 'node:crypto';
import type { CustomResourceDefinition } from '../../api/apiextensions/v1/types.js';
import type { KubeObject } from '../../api/meta/types.js';
import { ApiError } from '../errors.js';
import type { WebhookClient, WebhookClientConfig } from './client.js';

/** Upstream gives a conversion webhook 30 s. */
const CONVERSION_TIMEOUT_SECONDS = 30;

/** A plain error (no reason) answered as 500, as upstream's ErrorToAPIStatus renders one. */
export function conversionError(message: string): ApiError {
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

function isRecord(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function convertedObjects(body: unknown, uid: string): unknown[] | string {
  if (!isRecord(body)) return 'expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got , Kind=';
  if (body.apiVersion !== 'apiextensions.k8s.io/v1' || body.kind !== 'ConversionReview') {
    return `expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${String(body.apiVersion ?? '')}, Kind=${String(body.kind ?? '')}`;
  }
  const r = body.response;
  if (!isRecord(r)) return 'no response provided';
  if (r.uid !== uid) return `expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(typeof r.uid === 'string' ? r.uid : '')}`;
  const result = isRecord(r.result) ? r.result : {};
  if (result.status !== 'Success') return typeof result.message === 'string' && result.message ? result.message : `response.result.status was '${String(result.status ?? '')}', not 'Success'`;
  return Array.isArray(r.convertedObjects) ? r.convertedObjects : [];
}

/** The CRD's conversion function (strategy Webhook), or undefined. */
export function webhookConverter(client: WebhookClient, crd: CustomResourceDefinition): ((objects: KubeObject[], desiredAPIVersion: string, source: string) => Promise<KubeObject[]>) | undefined {
  const conv = crd.spec.conversion;
  if (conv?.strategy !== 'Webhook' || !conv.webhook?.clientConfig) return undefined;
  const config = conv.webhook.clientConfig as WebhookClientConfig;
  return async (objects, desiredAPIVersion, source) => {
    const failed = (why: string) => conversionError(`conversion webhook for ${source} failed: ${why}`);
    const uid = randomUUID();
    const review = { kind: 'ConversionReview', apiVersion: 'apiextensions.k8s.io/v1', request: { uid, desiredAPIVersion, objects } };
    const r = await client.post(config, review, CONVERSION_TIMEOUT_SECONDS);
    if (!r.ok) throw failed(r.message);
    const out = convertedObjects(r.body, uid);
    if (typeof out === 'string') throw failed(out);
    if (out.length !== objects.length) throw conversionError(`conversion webhook for ${source} returned ${out.length} objects, expected ${objects.length}`);
    return out.map((c, i) => {
      const original = objects[i]!;
      const invalid = (why: string) => conversionError(`conversion webhook for ${source} returned invalid converted object at index ${i}: ${why}`);
      if (!isRecord(c)) throw invalid('converted object is not an object');
      if (c.apiVersion !== desiredAPIVersion) throw invalid(`invalid groupVersion (expected ${desiredAPIVersion}, received ${String(c.apiVersion ?? '')})`);
      if (c.kind !== original.kind) throw invalid(`invalid kind (expected ${original.kind}, received ${String(c.kind ?? '')})`);
      const meta = isRecord(c.metadata) ? c.metadata : {};
      if ((meta.name ?? original.metadata.name) !== original.metadata.name || (meta.namespace ?? original.metadata.namespace) !== original.metadata.namespace || (meta.uid ?? original.metadata.uid) !== original.metadata.uid) {
        throw conversionError(`conversion webhook for ${source} returned invalid metadata in object at index ${i}: must not change metadata.name, metadata.namespace or metadata.uid`);
      }
      // Only labels and annotations may change: the rest of the metadata is the original's.
      const metadata = { ...original.metadata };
      if (isRecord(meta.labels)) metadata.labels = meta.labels as Record<string, string>;
      else delete metadata.labels;
      if (isRecord(meta.annotations)) metadata.annotations = meta.annotations as Record<string, string>;
      else delete metadata.annotations;
      return { ...(c as KubeObject), metadata };
    });
  };
}
