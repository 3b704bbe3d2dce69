// A minimal DER reader and writer: enough ASN.1 to write and read PKCS#10 certificate requests
// without the X.509 library (which costs a node agent some 15 MB it should not keep), and to
// read them synchronously where validation must answer at once.

export interface DerNode {
  /** The identifier octet: class, constructed bit and tag number (< 31 only). */
  tag: number;
  /** The content octets. */
  value: Buffer;
  /** The whole encoding, identifier and length included (a signature covers these bytes). */
  raw: Buffer;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads one element at `offset`; throws on truncated or indefinite-length input. */
export function readDer(buf: Buffer, offset = 0): DerNode {
  if (offset + 2 > buf.length) throw new Error('asn1: truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('asn1: high tag numbers are not supported');
  let len = buf[offset + 1]!;
  let head = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('asn1: unsupported length');
    if (offset + 2 + n > buf.length) throw new Error('asn1: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    head += n;
  }
  const end = offset + head + len;
  if (end > buf.length) throw new Error('asn1: truncated element');
  return { tag, value: buf.subarray(offset + head, end), raw: buf.subarray(offset, end) };
}

/** The elements inside a constructed element. */
export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let off = 0; off < node.value.length; ) {
    const c = readDer(node.value, off);
    out.push(c);
    off += c.raw.length;
  }
  return out;
}

export function decodeOid(value: Buffer): string {
  if (!value.length) throw new Error('asn1: empty object identifier');
  const parts: number[] = [];
  let n = 0;
  for (const b of value) {
    n = n * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(n);
      n = 0;
    }
  }
  const first = parts.shift()!;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - a * 40, ...parts].join('.');
}

// ---- writing ------------------------------------------------------------------------------

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes: number[] = [a * 40 + b];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    bytes.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return der(TAG.OID, Buffer.from(bytes));
}

export const utf8 = (s: string): Buffer => der(TAG.UTF8_STRING, Buffer.from(s, 'utf8'));
export const seq = (...items: Buffer[]): Buffer => der(TAG.SEQUENCE, ...items);
export const set = (...items: Buffer[]): Buffer => der(TAG.SET, ...items);
/** A BIT STRING with no unused bits. */
export const bitString = (bytes: Buffer): Buffer => der(TAG.BIT_STRING, Buffer.from([0]), bytes);

/** PEM armour around DER bytes. */
export function toPem(label: string, bytes: Buffer): string {
  const b64 = bytes.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface PemBlock {
  label: string;
  /** Header lines ("Key: value") before the base64, which some formats forbid. */
  headers: boolean;
  bytes: Buffer;
}

/** The PEM blocks in a text, in order; text around them is ignored, as Go's pem.Decode skips it. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  const re = /-----BEGIN ([^-\n]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]!;
    const headers = /^[^\n:]+:/.test(body.split('\n')[0] ?? '');
    out.push({ label: m[1]!, headers, bytes: Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64') });
  }
  return out;
}
