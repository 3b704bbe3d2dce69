// A ustar writer (POSIX.1-1988 headers, pax extended headers for what ustar cannot hold), enough
// for image layers and OCI layout archives. Output goes to a sink in 512-byte-aligned pieces.

export type TarEntryType = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarHeader {
  /** Path inside the archive, '/'-separated, no leading '/'; directories may end in '/'. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  /** Body length; files only. */
  size?: number;
  /** Seconds since the epoch (0 keeps archives reproducible). */
  mtime?: number;
  /** Target of a symlink or hard link. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

const TYPEFLAG: Record<TarEntryType, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };
const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);

/** Largest value an octal field of `width` bytes holds (width-1 digits and a NUL). */
const maxOctal = (width: number): number => 8 ** (width - 1) - 1;

function writeOctal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

/** A pax record "<len> key=value\n", where len counts the whole record including itself. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return Buffer.from(`${len}${body}`);
}

/** Splits a name into ustar's prefix (≤155 bytes) and name (≤100 bytes) at a '/', if possible. */
function splitUstarName(name: string): [string, string] | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return ['', name];
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}

function ustarHeader(h: TarHeader, typeflag: string, name: [string, string], size: number, linkname: string): Buffer {
  const buf = Buffer.alloc(BLOCK);
  buf.write(name[1], 0, 100, 'utf8');
  writeOctal(buf, 100, 8, h.mode & 0o7777);
  writeOctal(buf, 108, 8, Math.min(h.uid ?? 0, maxOctal(8)));
  writeOctal(buf, 116, 8, Math.min(h.gid ?? 0, maxOctal(8)));
  writeOctal(buf, 124, 12, Math.min(size, maxOctal(12)));
  writeOctal(buf, 136, 12, Math.min(Math.max(0, Math.floor(h.mtime ?? 0)), maxOctal(12)));
  buf.fill(' ', 148, 156);
  buf.write(typeflag, 156, 1, 'ascii');
  buf.write(linkname, 157, 100, 'utf8');
  buf.write('ustar\0', 257, 6, 'ascii');
  buf.write('00', 263, 2, 'ascii');
  writeOctal(buf, 329, 8, h.devmajor ?? 0);
  writeOctal(buf, 337, 8, h.devminor ?? 0);
  buf.write(name[0], 345, 155, 'utf8');
  let sum = 0;
  for (const b of buf) sum += b;
  buf.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return buf;
}

function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : ZEROS.subarray(0, BLOCK - rem);
}

export class TarWriter {
  constructor(private readonly sink: (chunk: Buffer) => Promise<void>) {}

  /** Writes one entry; a file's body is a buffer or a stream that must yield exactly `size` bytes. */
  async add(h: TarHeader, body?: Buffer | AsyncIterable<Buffer | string>): Promise<void> {
    const size = h.type === 'file' ? (h.size ?? (Buffer.isBuffer(body) ? body.length : 0)) : 0;
    const name = h.type === 'dir' && !h.name.endsWith('/') ? `${h.name}/` : h.name;
    const linkname = h.linkname ?? '';
    const pax: Buffer[] = [];
    const split = splitUstarName(name);
    if (!split) pax.push(paxRecord('path', name));
    if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
    if (size > maxOctal(12)) pax.push(paxRecord('size', String(size)));
    if ((h.uid ?? 0) > maxOctal(8)) pax.push(paxRecord('uid', String(h.uid)));
    if ((h.gid ?? 0) > maxOctal(8)) pax.push(paxRecord('gid', String(h.gid)));
    if (pax.length > 0) {
      const data = Buffer.concat(pax);
      const base = name.replace(/\/$/, '').split('/').pop() ?? 'entry';
      const paxName = splitUstarName(`PaxHeaders.0/${base}`) ?? ['', 'PaxHeaders.0/entry'];
      await this.sink(ustarHeader({ name: '', type: 'file', mode: 0o644, mtime: h.mtime }, 'x', paxName, data.length, ''));
      await this.sink(data);
      await this.sink(padding(data.length));
    }
    const fallback: [string, string] = ['', Buffer.from(name).subarray(0, 100).toString('utf8')];
    await this.sink(ustarHeader(h, TYPEFLAG[h.type], split ?? fallback, size, Buffer.byteLength(linkname) > 100 ? '' : linkname));
    if (h.type !== 'file') return;
    let written = 0;
    if (Buffer.isBuffer(body)) {
      written = body.length;
      if (written !== size) throw new Error(`tar: ${name}: body is ${written} bytes, header says ${size}`);
      await this.sink(body);
    } else if (body) {
      for await (const chunk of body) {
        const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        written += b.length;
        if (written > size) throw new Error(`tar: ${name}: grew while being archived`);
        await this.sink(b);
      }
    }
    if (written !== size) throw new Error(`tar: ${name}: ${written} bytes read, ${size} expected (changed while being archived?)`);
    await this.sink(padding(size));
  }

  /** The end-of-archive marker: two zero blocks. */
  async finish(): Promise<void> {
    await this.sink(ZEROS);
  }
}
