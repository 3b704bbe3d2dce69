// PKCS#10 certificate requests (RFC 2986) written and read with node:crypto and a small DER
// codec: a node makes its key and request where the key stays (the key never leaves it), and
// the API server and the signers read a request synchronously, checking its signature, as
// upstream's x509.ParseCertificateRequest and CheckSignature do.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { bitString, children, decodeOid, der, oid, pemBlocks, readDer, seq, set, TAG, toPem, utf8, type DerNode } from './der.js';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  rsaSha256: '1.2.840.113549.1.1.11',
  rsaSha384: '1.2.840.113549.1.1.12',
  rsaSha512: '1.2.840.113549.1.1.13',
  ed25519: '1.3.101.112',
} as const;

/** Signature algorithms a request may use, with the digest node:crypto verifies them by. */
const SIGNATURE_DIGESTS: Record<string, string | null> = {
  [OID.ecdsaSha256]: 'sha256',
  [OID.ecdsaSha384]: 'sha384',
  [OID.ecdsaSha512]: 'sha512',
  [OID.rsaSha256]: 'sha256',
  [OID.rsaSha384]: 'sha384',
  [OID.rsaSha512]: 'sha512',
  [OID.ed25519]: null,
};

export interface CertificateRequestSubject {
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

export interface CertificateRequest {
  commonName: string;
  /** Subject O values, in order (a client certificate's groups). */
  organizations: string[];
  /** Every subject attribute type present, by OID (signers may refuse ones they do not know). */
  subjectAttributes: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** The SubjectPublicKeyInfo, DER: what the issued certificate certifies. */
  publicKeyDer: Buffer;
}

// ---- writing ------------------------------------------------------------------------------

function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" and write eight 16-bit groups.
  const [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`not an IP address: ${ip}`);
  return Buffer.concat(groups.map((g) => Buffer.from([(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff])));
}

function subjectName(s: CertificateRequestSubject): Buffer {
  // Go's pkix.Name writes O before CN; kept so a request reads the same as one Go makes.
  const rdn = (type: string, value: string) => set(seq(oid(type), utf8(value)));
  return seq(...(s.organizations ?? []).map((o) => rdn(OID.organization, o)), rdn(OID.commonName, s.commonName));
}

function extensionAttributes(s: CertificateRequestSubject): Buffer {
  const names = [...(s.dnsNames ?? []).map((d) => der(0x82, Buffer.from(d, 'ascii'))), ...(s.ipAddresses ?? []).map((ip) => der(0x87, ipBytes(ip)))];
  if (!names.length) return der(0xa0);
  const san = seq(oid(OID.subjectAltName), der(TAG.OCTET_STRING, seq(...names)));
  return der(0xa0, seq(oid(OID.extensionRequest), set(seq(san))));
}

/** A PEM CERTIFICATE REQUEST for the subject, signed with the key (ECDSA P-256). */
export function createCertificateRequest(subject: CertificateRequestSubject, keyPem: string): string {
  const key = createPrivateKey(keyPem);
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const info = seq(der(TAG.INTEGER, Buffer.from([0])), subjectName(subject), spki, extensionAttributes(subject));
  const signature = sign('sha256', info, key);
  return toPem('CERTIFICATE REQUEST', seq(info, seq(oid(OID.ecdsaSha256)), bitString(signature)));
}

/** A new ECDSA P-256 private key, PKCS#8 PEM: made where it is used, never sent anywhere. */
export function newPrivateKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

// ---- reading ------------------------------------------------------------------------------

function stringValue(node: DerNode): string {
  return node.value.toString(node.tag === TAG.UTF8_STRING || node.tag === TAG.PRINTABLE_STRING || node.tag === TAG.IA5_STRING ? 'utf8' : 'latin1');
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
    // RFC 5952: the longest run of two or more zero groups becomes "::".
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; i++) {
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen) [best, bestLen] = [i, j - i];
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  throw new Error('x509: cannot parse IP address of length ' + b.length);
}

function readSubject(name: DerNode, out: CertificateRequest): void {
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      if (!type || !value || type.tag !== TAG.OID) throw new Error('x509: invalid subject');
      const t = decodeOid(type.value);
      out.subjectAttributes.push(t);
      if (t === OID.commonName) out.commonName = stringValue(value);
      if (t === OID.organization) out.organizations.push(stringValue(value));
    }
  }
}

function readSan(octets: Buffer, out: CertificateRequest): void {
  for (const n of children(readDer(octets))) {
    switch (n.tag) {
      case 0x81:
        out.emailAddresses.push(n.value.toString('ascii'));
        break;
      case 0x82:
        out.dnsNames.push(n.value.toString('ascii'));
        break;
      case 0x86:
        out.uris.push(n.value.toString('ascii'));
        break;
      case 0x87:
        out.ipAddresses.push(ipText(n.value));
        break;
    }
  }
}

function readAttributes(attrs: DerNode, out: CertificateRequest): void {
  for (const attr of children(attrs)) {
    const [type, values] = children(attr);
    if (!type || !values || decodeOid(type.value) !== OID.extensionRequest) continue;
    for (const exts of children(values)) {
      for (const ext of children(exts)) {
        const parts = children(ext);
        if (decodeOid(parts[0]!.value) === OID.subjectAltName) readSan(parts[parts.length - 1]!.value, out);
      }
    }
  }
}

/**
 * Reads a PEM-encoded request and checks its signature, as upstream's ParseCSR then
 * CheckSignature; throws with a message in Go's words when either fails.
 */
export function parseCertificateRequest(pem: string): CertificateRequest {
  const block = pemBlocks(pem)[0];
  if (!block || block.label !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const out: CertificateRequest = { commonName: '', organizations: [], subjectAttributes: [], dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [], publicKeyDer: Buffer.alloc(0) };
  let info: DerNode;
  let algorithm: string;
  let signature: Buffer;
  let publicKey: KeyObject;
  try {
    const [i, alg, sig] = children(readDer(block.bytes));
    if (!i || !alg || !sig || sig.tag !== TAG.BIT_STRING) throw new Error('malformed');
    info = i;
    algorithm = decodeOid(children(alg)[0]!.value);
    signature = sig.value.subarray(1);
    const [, subject, spki, attrs] = children(info);
    if (!subject || !spki) throw new Error('malformed');
    readSubject(subject, out);
    out.publicKeyDer = Buffer.from(spki.raw);
    publicKey = createPublicKey({ key: out.publicKeyDer, format: 'der', type: 'spki' });
    if (attrs?.tag === 0xa0) readAttributes(attrs, out);
  } catch (err) {
    throw new Error(`asn1: structure error: ${(err as Error).message.replace(/^asn1: /, '')}`);
  }
  if (!(algorithm in SIGNATURE_DIGESTS)) throw new Error('x509: cannot verify signature: algorithm unimplemented');
  let ok = false;
  try {
    ok = verify(SIGNATURE_DIGESTS[algorithm] ?? null, info.raw, publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(publicKey.asymmetricKeyType === 'ec' ? 'x509: ECDSA verification failure' : 'crypto/rsa: verification error');
  return out;
}
