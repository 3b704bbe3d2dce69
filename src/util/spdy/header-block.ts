// SPDY/3 header blocks: a count, then length-prefixed names and values (several values of one
// name joined by NUL), all compressed by one zlib stream per direction primed with the SPDY/3
// dictionary, each block ending on a sync flush so the peer can decode it on its own.
import zlib from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';

export type SpdyHeaders = Record<string, string | string[]>;

/** Limits what a peer may make us allocate while decoding one block. */
const MAX_DECODED_BLOCK = 1024 * 1024;

export function serializeHeaders(headers: SpdyHeaders): Buffer {
  // Go's SPDY reader (spdystream) rejects upper-case and repeated names, so both are folded here.
  const merged = new Map<string, string[]>();
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    merged.set(name, [...(merged.get(name) ?? []), ...values]);
  }
  const parts: Buffer[] = [u32(merged.size)];
  for (const [name, values] of merged) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function parseHeaders(block: Buffer): SpdyHeaders {
  let at = 0;
  const read32 = (): number => {
    if (at + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const v = block.readUInt32BE(at);
    at += 4;
    return v;
  };
  const readBytes = (n: number): Buffer => {
    if (at + n > block.length) throw new SpdyProtocolError('truncated header block');
    const b = block.subarray(at, at + n);
    at += n;
    return b;
  };
  const count = read32();
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = readBytes(read32()).toString('utf8').toLowerCase();
    if (name === '') throw new SpdyProtocolError('empty header name');
    const values = readBytes(read32()).toString('utf8').split('\0');
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new SpdyProtocolError(`duplicate header ${name}`);
    out[name] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

/** The first value of a header, whatever its case. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

const SYNC_FLUSH_MARKER = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]!) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The sending half of header compression. It emits a valid zlib stream that declares the SPDY/3
 * dictionary and carries each block as deflate "stored" blocks: any zlib inflater (Go's
 * included) decodes it, and it needs no asynchronous zlib round trip, so frames are written in
 * order synchronously. Header blocks are a few hundred bytes, so giving up compression costs
 * nothing that matters here.
 */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = serializeHeaders(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32 KiB window); FLG: level 3, FDICT, check bits making CMF·256+FLG ≡ 0 mod 31.
      const flg0 = (3 << 6) | 0x20;
      const flg = flg0 | (31 - (((0x78 << 8) | flg0) % 31));
      parts.push(Buffer.from([0x78, flg]), u32(adler32(SPDY3_DICTIONARY)));
    }
    for (let at = 0; at < raw.length || at === 0; at += 0xffff) {
      const piece = raw.subarray(at, Math.min(raw.length, at + 0xffff));
      const head = Buffer.allocUnsafe(5);
      head[0] = 0x00; // BFINAL=0, BTYPE=00 (stored); we are always byte-aligned here
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
      if (raw.length === 0) break;
    }
    // End with the empty stored block a Z_SYNC_FLUSH writes. Go's inflater hands out a stored
    // block's bytes only when the next block begins, and reading past this frame's bytes would
    // break its stream for good; the empty block makes it flush without reading further.
    parts.push(SYNC_FLUSH_MARKER);
    return Buffer.concat(parts);
  }
}

/**
 * The receiving half: one inflate stream for the whole session (peers compress with back
 * references across blocks). Node's zlib is asynchronous, so blocks are decoded one at a time
 * in arrival order.
 */
export class HeaderDecompressor {
  // The readable high-water mark must exceed any block we accept: a Transform holds back the
  // write callback while its output buffer is full, and the output is only read in that callback.
  private inflater = zlib.createInflate({
    dictionary: SPDY3_DICTIONARY,
    flush: zlib.constants.Z_SYNC_FLUSH,
    readableHighWaterMark: 4 * MAX_DECODED_BLOCK,
  } as zlib.ZlibOptions);
  private failed: Error | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor() {
    this.inflater.on('error', (err) => {
      this.failed = err;
    });
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    const run = this.tail.then(() => this.inflateOne(block));
    this.tail = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.inflater.close();
  }

  private inflateOne(block: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(new SpdyProtocolError(`header decompression failed: ${this.failed.message}`));
      // A corrupt stream errors the inflater, and then the write callback may never run.
      const onError = (err: Error): void => reject(new SpdyProtocolError(`header decompression failed: ${err.message}`));
      this.inflater.once('error', onError);
      this.inflater.write(block, (err) => {
        this.inflater.off('error', onError);
        const failure = err ?? this.failed;
        if (failure) return reject(new SpdyProtocolError(`header decompression failed: ${failure.message}`));
        const out: Buffer[] = [];
        let size = 0;
        for (let c: Buffer | null; (c = this.inflater.read() as Buffer | null) !== null; ) {
          out.push(c);
          size += c.length;
          if (size > MAX_DECODED_BLOCK) return reject(new SpdyProtocolError('header block too large'));
        }
        try {
          resolve(parseHeaders(Buffer.concat(out)));
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  }
}
