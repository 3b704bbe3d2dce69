// Validation of certificates.k8s.io/v1 CertificateSigningRequest (upstream's
// pkg/apis/certificates/validation): the request must be a PEM CERTIFICATE REQUEST whose
// signature verifies, the signer a qualified name, the usages known and unrepeated; Approved
// and Denied are exclusive and move only through /approval, the certificate only through
// /status, and neither is ever taken back. What an old object already holds is tolerated, so a
// stored object stays updatable, as upstream's getValidationOptions.
import { X509Certificate } from 'node:crypto';
import { parseCertificateRequest } from '../../../util/csr.js';
import { pemBlocks } from '../../../util/der.js';
import { deepEqualJson } from './equal.js';
import { duplicate, FieldPath, forbidden, invalid, notSupported, path, required, tooLong, type FieldError } from '../../validation/field.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/objectmeta.js';
import { certificatePem, KEY_USAGES, requestPem, SIGNERS, type CertificateSigningRequest, type CertificateSigningRequestCondition } from './types.js';

const TRUE_ONLY_TYPES = new Set(['Approved', 'Denied', 'Failed']);
const SORTED_USAGES = [...KEY_USAGES].sort();
const DNS1123_SUBDOMAIN_MAX = 253;
const DNS1123_LABEL_MAX = 63;

/** What an update path may change, and the old data's faults it must tolerate. */
interface Options {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowLegacySignerName: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

/** Upstream's ValidateSignerName: `<domain>/<path>`, the domain DNS labels with a dot, the path DNS subdomains. */
export function validateSignerName(p: FieldPath, signerName: string): FieldError[] {
  if (!signerName) return [required(p)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [invalid(p, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > DNS1123_SUBDOMAIN_MAX) errs.push(tooLong(p, '', DNS1123_SUBDOMAIN_MAX));
  const domainLabels = domain.split('.');
  for (const lbl of domainLabels) {
    const problems = isDNS1123Label(lbl);
    if (problems.length) {
      for (const m of problems) errs.push(invalid(p, domain, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(invalid(p, domain, 'should be a domain with at least two segments separated by dots'));
  for (const lbl of rest.split('.')) {
    const problems = isDNS1123Subdomain(lbl);
    if (problems.length) {
      for (const m of problems) errs.push(invalid(p, rest, `validating label ${JSON.stringify(lbl)}: ${m}`));
      break;
    }
  }
  const maxSignerName = DNS1123_SUBDOMAIN_MAX + (DNS1123_SUBDOMAIN_MAX + DNS1123_LABEL_MAX + 1) + 1;
  if (signerName.length > maxSignerName) errs.push(tooLong(p, '', maxSignerName));
  return errs;
}

/** status.certificate: one or more CERTIFICATE blocks without headers, each a certificate. */
function certificateProblem(pem: string): string | undefined {
  if (!pem) return undefined;
  const blocks = pemBlocks(pem);
  for (const b of blocks) {
    if (b.label !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(b.label)}`;
    if (b.headers) return 'no PEM block headers are permitted';
    try {
      new X509Certificate(b.bytes);
    } catch (err) {
      return `x509: malformed certificate (${(err as Error).message})`;
    }
  }
  return blocks.length ? undefined : 'must contain at least one CERTIFICATE PEM block';
}

function validateConditions(p: FieldPath, conditions: readonly CertificateSigningRequestCondition[], o: Options): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const cp = p.index(i);
    if (!o.allowEmptyConditionType && !c.type) errs.push(required(cp.child('type')));
    const allowed = TRUE_ONLY_TYPES.has(c.type) ? ['True'] : ['False', 'True', 'Unknown'];
    if (!c.status) errs.push(required(cp.child('status')));
    else if (!allowed.includes(c.status)) errs.push(notSupported(cp.child('status'), c.status, allowed));
    if (!o.allowBothApprovedAndDenied) {
      if (c.type === 'Approved') {
        approved = true;
        if (denied) errs.push(invalid(cp.child('type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (c.type === 'Denied') {
        denied = true;
        if (approved) errs.push(invalid(cp.child('type'), c.type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!o.allowDuplicateConditionTypes) {
      if (seen.has(c.type)) errs.push(duplicate(cp.child('type'), c.type));
      seen.add(c.type);
    }
  });
  return errs;
}

function validate(csr: CertificateSigningRequest, o: Options): FieldError[] {
  // Any name will do, as upstream's ValidateCertificateRequestName.
  const errs = validateObjectMeta(csr.metadata, false, () => []);
  const spec = csr.spec ?? ({} as CertificateSigningRequest['spec']);
  const sp = path('spec');
  try {
    parseCertificateRequest(requestPem(csr));
  } catch (err) {
    errs.push(invalid(sp.child('request'), spec.request ?? '', (err as Error).message));
  }
  const usages = spec.usages ?? [];
  if (!usages.length) errs.push(required(sp.child('usages')));
  if (!o.allowUnknownUsages) usages.forEach((u, i) => (KEY_USAGES as readonly string[]).includes(u) || errs.push(notSupported(sp.child('usages').index(i), u, SORTED_USAGES)));
  if (!o.allowDuplicateUsages) usages.forEach((u, i) => usages.indexOf(u) !== i && errs.push(duplicate(sp.child('usages').index(i), u)));
  if (!o.allowLegacySignerName && spec.signerName === SIGNERS.legacyUnknown) errs.push(invalid(sp.child('signerName'), spec.signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(sp.child('signerName'), spec.signerName ?? ''));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds !== null && spec.expirationSeconds < 600) {
    errs.push(invalid(sp.child('expirationSeconds'), spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  errs.push(...validateConditions(path('status', 'conditions'), csr.status?.conditions ?? [], o));
  if (!o.allowArbitraryCertificate) {
    const problem = certificateProblem(certificatePem(csr));
    if (problem) errs.push(invalid(path('status', 'certificate'), '<certificate data>', problem));
  }
  return errs;
}

function optionsFor(next: CertificateSigningRequest, old: CertificateSigningRequest | undefined): Options {
  const conds = old?.status?.conditions ?? [];
  const types = conds.map((c) => c.type);
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowBothApprovedAndDenied: types.includes('Approved') && types.includes('Denied'),
    allowLegacySignerName: old?.spec?.signerName === SIGNERS.legacyUnknown,
    allowDuplicateConditionTypes: new Set(types).size !== types.length,
    allowEmptyConditionType: types.includes(''),
    allowArbitraryCertificate: !!old && ((next.status?.certificate ?? '') === (old.status?.certificate ?? '') || certificateProblem(certificatePem(old)) !== undefined),
    allowUnknownUsages: (old?.spec?.usages ?? []).some((u) => !(KEY_USAGES as readonly string[]).includes(u)),
    allowDuplicateUsages: !!old && new Set(old.spec?.usages ?? []).size !== (old.spec?.usages ?? []).length,
  };
}

const ofType = (csr: CertificateSigningRequest, t: string) => (csr.status?.conditions ?? []).filter((c) => c.type === t);

function validateUpdate(next: CertificateSigningRequest, old: CertificateSigningRequest, o: Options): FieldError[] {
  const errs = validate(next, o);
  const conditions = path('status', 'conditions');
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (ofType(next, t).length < ofType(old, t).length) errs.push(forbidden(conditions, `updates may not remove a condition of type ${JSON.stringify(t)}`));
  }
  if (!o.allowSettingApprovalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const before = ofType(old, t);
      const after = ofType(next, t);
      if (after.length > before.length) errs.push(forbidden(conditions, `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (after.length === before.length && !deepEqualJson(before, after)) errs.push(forbidden(conditions, `updates may not modify a condition of type ${JSON.stringify(t)}`));
    }
  }
  if ((next.status?.certificate ?? '') !== (old.status?.certificate ?? '')) {
    if (!o.allowSettingCertificate) errs.push(forbidden(path('status', 'certificate'), 'updates may not set certificate content'));
    else if (old.status?.certificate) errs.push(forbidden(path('status', 'certificate'), 'updates may not modify existing certificate content'));
  }
  return [...errs, ...validateObjectMetaUpdate(next.metadata, old.metadata)];
}

export function validateCertificateSigningRequestCreate(csr: CertificateSigningRequest): FieldError[] {
  return validate(csr, optionsFor(csr, undefined));
}

export function validateCertificateSigningRequestUpdate(next: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(next, old, optionsFor(next, old));
}

export function validateCertificateSigningRequestStatusUpdate(next: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(next, old, { ...optionsFor(next, old), allowSettingCertificate: true });
}

export function validateCertificateSigningRequestApprovalUpdate(next: CertificateSigningRequest, old: CertificateSigningRequest): FieldError[] {
  return validateUpdate(next, old, { ...optionsFor(next, old), allowSettingApprovalConditions: true });
}
