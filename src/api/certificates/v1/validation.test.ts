import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCertificateRequest, newPrivateKey } from '../../../util/csr.js';
import { formatFieldError } from '../../validation/field.js';
import { certificateSigningRequestKind as def } from './kinds.js';
import type { CertificateSigningRequest } from './types.js';
import { validateCertificateSigningRequestApprovalUpdate } from './validation.js';

const REQUEST = Buffer.from(createCertificateRequest({ commonName: 'alice' }, newPrivateKey())).toString('base64');
const csr = (spec: Partial<CertificateSigningRequest['spec']> = {}): CertificateSigningRequest => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'alice', resourceVersion: '1' },
  spec: { request: REQUEST, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec },
  status: {},
});
const errs = (list: ReturnType<NonNullable<typeof def.validateCreate>>) => list.map(formatFieldError);
const cond = (type: string, status = 'True') => ({ type, status, reason: 'R', message: 'm' });
const base64 = (s: string) => Buffer.from(s).toString('base64');

test('a well-formed request validates; the strategy records the requester and clears status', () => {
  const c = csr();
  (c.spec as any).username = 'mallory';
  c.status = { conditions: [cond('Approved')] };
  def.prepareForCreate!(c, { name: 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'], extra: { scopes: ['a'] } });
  assert.deepEqual([c.spec.username, c.spec.uid, c.spec.groups, c.spec.extra, c.status], ['alice', 'u1', ['devs', 'system:authenticated'], { scopes: ['a'] }, {}]);
  assert.deepEqual(def.validateCreate!(c), []);
});

test('request, signerName, usages and expirationSeconds are validated as upstream', () => {
  assert.deepEqual(errs(def.validateCreate!(csr({ request: base64('junk'), usages: [], signerName: '' }))), [
    `spec.request: Invalid value: "${base64('junk')}": PEM block type must be CERTIFICATE REQUEST`,
    'spec.usages: Required value',
    'spec.signerName: Required value',
  ]);
  assert.deepEqual(errs(def.validateCreate!(csr({ usages: ['client auth', 'flying', 'client auth'], expirationSeconds: 599, signerName: 'kubernetes.io/legacy-unknown' }))), [
    'spec.usages[1]: Unsupported value: "flying": supported values: "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"',
    'spec.usages[2]: Duplicate value: "client auth"',
    'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
    'spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)',
  ]);
  assert.deepEqual(errs(def.validateCreate!(csr({ signerName: 'example/a' }))), ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots']);
  assert.match(errs(def.validateCreate!(csr({ signerName: 'example.com/a/b' })))[0]!, /must be a fully qualified domain and path/);
  assert.deepEqual(def.validateCreate!(csr({ signerName: 'example.com/team.signer', expirationSeconds: 600 })), []);
});

test('the spec is immutable through the main resource; approval only through /approval, the certificate only through /status', () => {
  const old = csr();
  const next = structuredClone(old);
  next.spec.signerName = 'example.com/other';
  next.status = { conditions: [cond('Approved')], certificate: base64('x') };
  def.prepareForUpdate!(next, old);
  assert.deepEqual([next.spec, next.status], [old.spec, old.status]);

  const approved = { ...csr(), status: { conditions: [cond('Approved')] } };
  assert.deepEqual(errs(def.validateStatusUpdate!(approved, csr())), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
  assert.deepEqual(validateCertificateSigningRequestApprovalUpdate(approved, csr()), []);
  const both = { ...csr(), status: { conditions: [cond('Approved'), cond('Denied')] } };
  assert.deepEqual(errs(validateCertificateSigningRequestApprovalUpdate(both, csr())), ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']);
  assert.deepEqual(errs(validateCertificateSigningRequestApprovalUpdate(csr(), approved)), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
  assert.deepEqual(errs(validateCertificateSigningRequestApprovalUpdate({ ...csr(), status: { conditions: [cond('Approved', 'False')] } }, csr())), ['status.conditions[0].status: Unsupported value: "False": supported values: "True"']);

  const issued = { ...approved, status: { ...approved.status, certificate: base64('not pem') } };
  assert.deepEqual(errs(def.validateStatusUpdate!(issued, approved)), ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']);
  assert.deepEqual(errs(validateCertificateSigningRequestApprovalUpdate({ ...approved, status: { ...approved.status, certificate: base64('x') } }, approved)), [
    'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
    'status.certificate: Forbidden: updates may not set certificate content',
  ]);
});
