// Certificates and keys: a self-signed CA and the leaves it issues. ECDSA P-256: fast to
// generate, accepted by kubectl and the client libraries. A leaf may be RSA instead, for
// clients whose TLS knows no ECDSA (busybox's wget), the CA signing it either way.
// @peculiar/x509's dependency injection needs the Reflect metadata API before it loads.
import 'reflect-metadata';
import { createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyPair } from './key-pair.js';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as webcrypto.CryptoKey);
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').trim();
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

const RSA_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;

async function importKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as unknown as CryptoKey;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

async function newKeys(rsa = false): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(rsa ? RSA_ALG : ALG, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

export async function createCa(commonName: string, now = Date.now()): Promise<KeyPair> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * DAY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) };
}

export interface LeafOptions {
  commonName: string;
  /** Subject O values: the groups of a client certificate. */
  organization?: string | readonly string[];
  dnsNames?: readonly string[];
  ips?: readonly string[];
  usage: 'server' | 'client' | 'both';
  days?: number;
  /** An RSA 2048 key instead of ECDSA P-256. */
  rsa?: boolean;
}

export async function issueCert(ca: KeyPair, opts: LeafOptions, now = Date.now()): Promise<KeyPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await newKeys(opts.rsa);
  const eku: string[] = [];
  if (opts.usage !== 'client') eku.push(x509.ExtendedKeyUsage.serverAuth);
  if (opts.usage !== 'server') eku.push(x509.ExtendedKeyUsage.clientAuth);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  const names: x509.JsonGeneralName[] = [...(opts.dnsNames ?? []).map((v) => ({ type: 'dns' as const, value: v })), ...(opts.ips ?? []).map((v) => ({ type: 'ip' as const, value: v }))];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const orgs = typeof opts.organization === 'string' ? [opts.organization] : (opts.organization ?? []);
  const subject = [...orgs.map((o) => `O=${escapeDn(o)}`), `CN=${escapeDn(opts.commonName)}`].join(', ');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + (opts.days ?? 365) * DAY_MS),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem') + '\n', key: await exportKey(keys.privateKey) };
}

/** An RFC 4514 attribute value: the characters that would end or split it are escaped. */
function escapeDn(v: string): string {
  return v.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`).replace(/^[ #]/, (c) => `\\${c}`).replace(/ $/, '\\ ');
}

/** DNS names and IPs a certificate covers. */
export function subjectAltNames(certPem: string): { dns: string[]; ips: string[] } {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const dns: string[] = [];
  const ips: string[] = [];
  for (const n of san?.names.toJSON() ?? []) {
    if (n.type === 'dns') dns.push(n.value);
    if (n.type === 'ip') ips.push(n.value);
  }
  return { dns, ips };
}

/** The subject's common name and organizations (a client certificate's user and groups). */
export function subjectNames(certPem: string): { commonName: string; organizations: string[] } {
  const name = new x509.X509Certificate(certPem).subjectName;
  return { commonName: name.getField('CN')[0] ?? '', organizations: name.getField('O') };
}

/** What a signer certifies from a request: its subject, names and public key (SubjectPublicKeyInfo DER). */
export interface RequestedLeaf {
  commonName: string;
  organizations: readonly string[];
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  emailAddresses: readonly string[];
  uris: readonly string[];
  publicKeyDer: Buffer;
}

/** certificates.k8s.io usage names as X.509 key usage bits (upstream's keyUsageDict). */
const KEY_USAGE_BITS: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};

/** … and as extended key usages (upstream's extKeyUsageDict). */
const EXT_KEY_USAGES: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  's/mime': x509.ExtendedKeyUsage.emailProtection,
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

/**
 * Issues a certificate for a requested public key, as upstream's CertificateAuthority.Sign: the
 * request's subject and names, the usages asked for, never a CA, not valid past the CA itself.
 */
export async function signRequestedLeaf(ca: KeyPair, leaf: RequestedLeaf, usages: readonly string[], notBefore: number, notAfter: number): Promise<string> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const spki = await webcrypto.subtle.importKey('spki', leaf.publicKeyDer, publicKeyAlgorithm(leaf.publicKeyDer), true, ['verify']);
  let bits = 0;
  for (const u of usages) bits |= KEY_USAGE_BITS[u] ?? 0;
  const eku = [...new Set(usages.map((u) => EXT_KEY_USAGES[u]).filter((o): o is string => !!o))];
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true), await x509.AuthorityKeyIdentifierExtension.create(caCert)];
  if (bits) extensions.push(new x509.KeyUsagesExtension(bits, true));
  if (eku.length) extensions.push(new x509.ExtendedKeyUsageExtension(eku));
  const names: x509.JsonGeneralName[] = [
    ...leaf.dnsNames.map((v) => ({ type: 'dns' as const, value: v })),
    ...leaf.emailAddresses.map((v) => ({ type: 'email' as const, value: v })),
    ...leaf.ipAddresses.map((v) => ({ type: 'ip' as const, value: v })),
    ...leaf.uris.map((v) => ({ type: 'url' as const, value: v })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const subject = [...leaf.organizations.map((o) => `O=${escapeDn(o)}`), `CN=${escapeDn(leaf.commonName)}`].join(', ');
  const caNotAfter = caCert.notAfter.getTime();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: caCert.subject,
    notBefore: new Date(notBefore),
    notAfter: new Date(Math.min(notAfter, caNotAfter)),
    signingKey: caKey,
    publicKey: spki as unknown as CryptoKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return cert.toString('pem') + '\n';
}

/** The WebCrypto import parameters of a SubjectPublicKeyInfo (EC P-256/384, RSA, Ed25519). */
function publicKeyAlgorithm(spkiDer: Buffer): webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams | { name: 'Ed25519' } {
  const key = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return { name: 'ECDSA', namedCurve: details.namedCurve === 'secp384r1' ? 'P-384' : details.namedCurve === 'secp521r1' ? 'P-521' : 'P-256' };
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ed25519') return { name: 'Ed25519' };
  throw new Error(`unsupported public key type ${key.asymmetricKeyType}`);
}
