// Getting a certificate through the certificates API, as client-go's util/certificate/csr:
// create a CertificateSigningRequest for a key made here (the key never leaves this process),
// then wait until it is approved and issued. A denied or failed request, or one nobody approves
// in time, is an error that says what happened and what a person can do about it.
import { certificatePem, type CertificateSigningRequest } from '../api/certificates/v1/types.js';
import { createCertificateRequest, type CertificateRequestSubject } from '../util/csr.js';
import { gvr, resourcePath } from './resources.js';
import type { ApiClient } from './rest.js';

const CSRS = gvr('certificates.k8s.io', 'v1', 'certificatesigningrequests');
/** The kubelet's wait for its first certificate (upstream's certificateWaitTimeout). */
export const DEFAULT_CERTIFICATE_WAIT_MS = 15 * 60 * 1000;

export interface CertificateTemplate {
  signerName: string;
  usages: readonly string[];
  subject: CertificateRequestSubject;
  expirationSeconds?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  /** Told once when the request is created, so whoever watches the log knows its name. */
  log?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

// Not unref'd: waiting for a certificate may be all a starting agent does, and must keep it alive.
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates the request (generateName csr-, as the kubelet's) and returns its name. */
export async function createSigningRequest(client: ApiClient, t: CertificateTemplate, keyPem: string): Promise<string> {
  const body: CertificateSigningRequest = {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: {
      request: Buffer.from(createCertificateRequest(t.subject, keyPem), 'latin1').toString('base64'),
      signerName: t.signerName,
      usages: [...t.usages],
      ...(t.expirationSeconds ? { expirationSeconds: t.expirationSeconds } : {}),
    },
  };
  const created = await client.create<CertificateSigningRequest>(resourcePath(CSRS), body);
  return created.metadata.name!;
}

/** The issued PEM certificate of request `name`, once it has one. */
export async function waitForCertificate(client: ApiClient, name: string, o: WaitOptions = {}): Promise<string> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_CERTIFICATE_WAIT_MS;
  const sleep = o.sleep ?? defaultSleep;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const csr = await client.get<CertificateSigningRequest>(resourcePath(CSRS, undefined, name));
    const cond = (type: string) => csr.status?.conditions?.find((c) => c.type === type && c.status === 'True');
    const denied = cond('Denied');
    if (denied) throw new Error(`certificate signing request ${name} was denied${denied.reason ? `, reason: ${denied.reason}` : ''}${denied.message ? `, message: ${denied.message}` : ''}`);
    const failed = cond('Failed');
    if (failed) throw new Error(`certificate signing request ${name} failed${failed.reason ? `, reason: ${failed.reason}` : ''}${failed.message ? `, message: ${failed.message}` : ''}`);
    const pem = certificatePem(csr);
    if (pem) return pem;
    if (Date.now() >= deadline) {
      const state = cond('Approved') ? 'was approved but not issued (is the csrsigning controller running with the cluster CA?)' : 'was not approved';
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for certificate signing request ${name}: it ${state}; approve it with: kubectl certificate approve ${name}`);
    }
    await sleep(o.pollMs ?? 1000);
  }
}

/** Asks for a certificate for the key and waits for it. */
export async function requestCertificate(client: ApiClient, t: CertificateTemplate, keyPem: string, o: WaitOptions = {}): Promise<string> {
  const name = await createSigningRequest(client, t, keyPem);
  o.log?.(`created certificate signing request ${name} (${t.signerName}, ${t.subject.commonName}); waiting for it to be approved and issued`);
  return waitForCertificate(client, name, o);
}
