// Client-certificate checks shared by every TLS server that authenticates users by certificate
// (the API server, the kubelet): issued by one of the client CAs, valid now, made for client
// auth; the user is the subject's CN and the groups its O values, as upstream's x509 authenticator
// reads them.
import { X509Certificate } from 'node:crypto';
import { subjectNames } from './pki.js';

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';

export type ClientCertVerdict = { ok: true; name: string; groups: string[] } | { ok: false; error: string };

/** Every certificate in a PEM bundle; text that is not a certificate is skipped. */
export function parseCaBundle(pem: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // A damaged bundle entry must not take the others down with it.
    }
  }
  return out;
}

export function certificateOutOfDate(cert: X509Certificate, now: number): boolean {
  return now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo);
}

export function verifyClientCert(cert: X509Certificate, cas: readonly X509Certificate[], now: number): ClientCertVerdict {
  let issued = false;
  try {
    issued = cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  } catch {
    issued = false;
  }
  if (!issued) return { ok: false, error: 'x509: certificate signed by unknown authority' };
  if (certificateOutOfDate(cert, now)) return { ok: false, error: 'x509: certificate has expired or is not yet valid' };
  const eku = cert.keyUsage;
  if (eku && !eku.includes(CLIENT_AUTH_EKU)) return { ok: false, error: 'x509: certificate specifies an incompatible key usage' };
  let names: { commonName: string; organizations: string[] };
  try {
    names = subjectNames(cert.toString());
  } catch {
    return { ok: false, error: 'x509: certificate subject cannot be read' };
  }
  if (!names.commonName) return { ok: false, error: 'x509: certificate has no common name' };
  return { ok: true, name: names.commonName, groups: names.organizations };
}
