// Validation of MutatingWebhookConfiguration and ValidatingWebhookConfiguration, as upstream's
// validateValidatingWebhookConfiguration / validateMutatingWebhookConfiguration for v1: names
// fully qualified and unique, rules, enums, sideEffects None|NoneOnDryRun, timeouts of 1–30 s,
// a recognized AdmissionReview version, exactly one of url (https) or service, and matchConditions
// that compile. The caBundle is not parsed here: upstream reports a bad one when calling.
import { FieldPath, duplicate, invalid, notSupported, path, required, type FieldError } from '../../validation/field.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../validation/names.js';
import { nameIsDNSSubdomain, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { webhookMatchConditionEnvironment } from './cel-environment.js';
import type { MutatingWebhook, MutatingWebhookConfiguration, ValidatingWebhook, ValidatingWebhookConfiguration, WebhookClientConfig } from './types.js';
import { MAX_MATCH_CONDITIONS, uniqueQualifiedName, validateRule } from './validation.js';

export const ACCEPTED_ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun'];

function fullyQualifiedName(name: string | undefined, p: FieldPath): FieldError[] {
  if (!name) return [required(p)];
  const errs = isDNS1123Subdomain(name).map((m) => invalid(p, name, m));
  if (name.split('.').length < 3) errs.push(invalid(p, name, 'should be a domain with at least three segments separated by dots'));
  return errs;
}

function validateUrl(raw: string, p: FieldPath): FieldError[] {
  const form = '; desired format: https://host[/path]';
  let u: URL;
  try {
    u = new URL(raw);
  } catch (err) {
    return [required(p, `url must be a valid URL: ${(err as Error).message}${form}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(p, scheme, `'https' is the only allowed URL scheme${form}`));
  if (!u.host) errs.push(invalid(p, u.host, `host must be specified${form}`));
  if (u.username || u.password) errs.push(invalid(p, u.username, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(invalid(p, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) errs.push(invalid(p, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

function validateClientConfig(cc: WebhookClientConfig | undefined, p: FieldPath): FieldError[] {
  const hasUrl = cc?.url !== undefined;
  const hasService = cc?.service !== undefined;
  if (hasUrl === hasService) return [required(p, 'exactly one of url or service is required')];
  if (hasUrl) return validateUrl(cc!.url!, p.child('url'));
  const s = cc!.service!;
  const sp = p.child('service');
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(sp.child('name'), 'service name is required'));
  if (!s.namespace) errs.push(required(sp.child('namespace'), 'service namespace is required'));
  const port = s.port ?? 443;
  if (!Number.isInteger(port) || port < 1 || port > 65535) errs.push(invalid(sp.child('port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  if (s.path !== undefined && s.path !== '') {
    if (!s.path.startsWith('/')) errs.push(invalid(sp.child('path'), s.path, "must start with a '/'"));
    else {
      const steps = s.path.slice(1).split('/');
      steps.forEach((step, i) => {
        if (step === '' && i !== steps.length - 1) errs.push(invalid(sp.child('path'), s.path, `segment[${i}] may not be empty`));
        else if (step !== '') for (const m of isDNS1123Subdomain(step)) errs.push(invalid(sp.child('path'), s.path, `segment[${i}]: ${m}`));
      });
    }
  }
  return errs;
}

function validateReviewVersions(versions: readonly string[] | undefined, p: FieldPath): FieldError[] {
  if (!versions?.length) return [required(p, `must specify one of ${ACCEPTED_ADMISSION_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(p.index(i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(invalid(p.index(i), v, m));
    if (ACCEPTED_ADMISSION_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (!accepted) errs.push(invalid(p, versions, `must include at least one of ${ACCEPTED_ADMISSION_REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

function validateWebhook(h: ValidatingWebhook | MutatingWebhook, p: FieldPath, mutating: boolean): FieldError[] {
  const errs = fullyQualifiedName(h.name, p.child('name'));
  (h.rules ?? []).forEach((r, i) => errs.push(...validateRule(r, p.child('rules').index(i))));
  if (h.failurePolicy !== undefined && !['Fail', 'Ignore'].includes(h.failurePolicy)) errs.push(notSupported(p.child('failurePolicy'), h.failurePolicy, ['Fail', 'Ignore']));
  if (h.matchPolicy !== undefined && !['Equivalent', 'Exact'].includes(h.matchPolicy)) errs.push(notSupported(p.child('matchPolicy'), h.matchPolicy, ['Equivalent', 'Exact']));
  if (h.sideEffects === undefined) errs.push(required(p.child('sideEffects'), `must specify one of ${SIDE_EFFECTS.join(', ')}`));
  else if (!SIDE_EFFECTS.includes(h.sideEffects)) errs.push(notSupported(p.child('sideEffects'), h.sideEffects, SIDE_EFFECTS));
  if (h.timeoutSeconds !== undefined && (h.timeoutSeconds > 30 || h.timeoutSeconds < 1)) errs.push(invalid(p.child('timeoutSeconds'), h.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  errs.push(...validateLabelSelector(h.namespaceSelector, p.child('namespaceSelector')));
  errs.push(...validateLabelSelector(h.objectSelector, p.child('objectSelector')));
  errs.push(...validateReviewVersions(h.admissionReviewVersions, p.child('admissionReviewVersions')));
  errs.push(...validateClientConfig(h.clientConfig, p.child('clientConfig')));
  if (mutating) {
    const rp = (h as MutatingWebhook).reinvocationPolicy;
    if (rp !== undefined && rp !== 'Never' && rp !== 'IfNeeded') errs.push(notSupported(p.child('reinvocationPolicy'), rp, ['IfNeeded', 'Never']));
  }
  const conditions = h.matchConditions ?? [];
  const cp = p.child('matchConditions');
  if (conditions.length > MAX_MATCH_CONDITIONS) errs.push({ type: 'FieldValueTooMany', field: String(cp), badValue: conditions.length, detail: `must have at most ${MAX_MATCH_CONDITIONS} items` });
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    errs.push(...uniqueQualifiedName(c.name, cp.index(i).child('name'), names));
    if (!c.expression?.trim()) errs.push(required(cp.index(i).child('expression')));
    else {
      const r = webhookMatchConditionEnvironment.compile(c.expression);
      if (r.error !== undefined) errs.push(invalid(cp.index(i).child('expression'), c.expression, r.error));
    }
  });
  return errs;
}

function validateWebhooks(hooks: readonly (ValidatingWebhook | MutatingWebhook)[] | undefined, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (hooks ?? []).forEach((h, i) => {
    const p = path('webhooks').index(i);
    errs.push(...validateWebhook(h, p, mutating));
    if (h.name && seen.has(h.name)) errs.push(duplicate(p.child('name'), h.name));
    seen.add(h.name);
  });
  return errs;
}

export function validateValidatingWebhookConfiguration(c: ValidatingWebhookConfiguration): FieldError[] {
  return [...validateObjectMeta(c.metadata, false, nameIsDNSSubdomain), ...validateWebhooks(c.webhooks, false)];
}

export function validateValidatingWebhookConfigurationUpdate(c: ValidatingWebhookConfiguration, old: ValidatingWebhookConfiguration): FieldError[] {
  return [...validateObjectMetaUpdate(c.metadata, old.metadata), ...validateWebhooks(c.webhooks, false)];
}

export function validateMutatingWebhookConfiguration(c: MutatingWebhookConfiguration): FieldError[] {
  return [...validateObjectMeta(c.metadata, false, nameIsDNSSubdomain), ...validateWebhooks(c.webhooks, true)];
}

export function validateMutatingWebhookConfigurationUpdate(c: MutatingWebhookConfiguration, old: MutatingWebhookConfiguration): FieldError[] {
  return [...validateObjectMetaUpdate(c.metadata, old.metadata), ...validateWebhooks(c.webhooks, true)];
}
