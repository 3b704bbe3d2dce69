// SPDY/3.1 frame layout (draft 3.1). Every frame has an 8-byte header:
//   control: 1 | version(15) | type(16) | flags(8) | length(24) | payload
//   data:    0 | stream id(31)           | flags(8) | length(24) | payload
// Header blocks are carried here already compressed; header-block.ts owns (de)compression,
// so this module stays synchronous and stateless.

export const SPDY_VERSION = 3;
export const FRAME_HEADER_BYTES = 8;
export const MAX_FRAME_PAYLOAD = 0xffffff;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;

export const SETTINGS_INITIAL_WINDOW_SIZE = 7;
export const DEFAULT_WINDOW = 64 * 1024;

export type Frame =
  | { type: 'DATA'; streamId: number; flags: number; data: Buffer }
  | { type: 'SYN_STREAM'; streamId: number; associatedId: number; priority: number; slot: number; flags: number; headerBlock: Buffer }
  | { type: 'SYN_REPLY'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'RST_STREAM'; streamId: number; status: number }
  | { type: 'SETTINGS'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'PING'; id: number }
  | { type: 'GOAWAY'; lastGoodStreamId: number; status: number }
  | { type: 'HEADERS'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'WINDOW_UPDATE'; streamId: number; delta: number }
  /** A control frame of a type this implementation does not know; the spec says ignore it. */
  | { type: 'UNKNOWN'; frameType: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError('frame payload too large');
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  out.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  payload.copy(out, FRAME_HEADER_BYTES);
  return out;
}

function u32(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** Serializes one frame. */
export function encodeFrame(f: Frame): Buffer {
  switch (f.type) {
    case 'DATA': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError('frame payload too large');
      const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + f.data.length);
      out.writeUInt32BE(f.streamId & 0x7fffffff, 0);
      out.writeUInt32BE(((f.flags & 0xff) << 24 | f.data.length) >>> 0, 4);
      f.data.copy(out, FRAME_HEADER_BYTES);
      return out;
    }
    case 'SYN_STREAM': {
      const fixed = Buffer.allocUnsafe(10);
      fixed.writeUInt32BE(f.streamId & 0x7fffffff, 0);
      fixed.writeUInt32BE(f.associatedId & 0x7fffffff, 4);
      fixed[8] = (f.priority & 0x07) << 5;
      fixed[9] = f.slot & 0xff;
      return controlFrame(FrameType.SYN_STREAM, f.flags, Buffer.concat([fixed, f.headerBlock]));
    }
    case 'SYN_REPLY':
      return controlFrame(FrameType.SYN_REPLY, f.flags, Buffer.concat([u32(f.streamId & 0x7fffffff), f.headerBlock]));
    case 'HEADERS':
      return controlFrame(FrameType.HEADERS, f.flags, Buffer.concat([u32(f.streamId & 0x7fffffff), f.headerBlock]));
    case 'RST_STREAM':
      return controlFrame(FrameType.RST_STREAM, 0, u32(f.streamId & 0x7fffffff, f.status));
    case 'SETTINGS': {
      const parts = [u32(f.entries.length)];
      for (const e of f.entries) parts.push(u32(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, e.value));
      return controlFrame(FrameType.SETTINGS, f.flags, Buffer.concat(parts));
    }
    case 'PING':
      return controlFrame(FrameType.PING, 0, u32(f.id));
    case 'GOAWAY':
      return controlFrame(FrameType.GOAWAY, 0, u32(f.lastGoodStreamId & 0x7fffffff, f.status));
    case 'WINDOW_UPDATE':
      return controlFrame(FrameType.WINDOW_UPDATE, 0, u32(f.streamId & 0x7fffffff, f.delta & 0x7fffffff));
    case 'UNKNOWN':
      return controlFrame(f.frameType, f.flags, f.payload);
  }
}

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`${what} frame too short`);
}

/** Decodes one complete frame (header + payload). Throws SpdyProtocolError on malformed input. */
export function decodeFrame(buf: Buffer): Frame {
  const first = buf.readUInt32BE(0);
  const flagsLen = buf.readUInt32BE(4);
  const flags = flagsLen >>> 24;
  const payload = buf.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + (flagsLen & 0xffffff));
  if ((first & 0x80000000) === 0) return { type: 'DATA', streamId: first & 0x7fffffff, flags, data: payload };
  const version = (first >>> 16) & 0x7fff;
  if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
  const type = first & 0xffff;
  switch (type) {
    case FrameType.SYN_STREAM:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'SYN_STREAM',
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8]! >>> 5,
        slot: payload[9]!,
        flags,
        headerBlock: payload.subarray(10),
      };
    case FrameType.SYN_REPLY:
    case FrameType.HEADERS:
      need(payload, 4, type === FrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS');
      return {
        type: type === FrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS',
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        flags,
        headerBlock: payload.subarray(4),
      };
    case FrameType.RST_STREAM:
      need(payload, 8, 'RST_STREAM');
      return { type: 'RST_STREAM', streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case FrameType.SETTINGS: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const idWord = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: idWord >>> 24, id: idWord & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { type: 'SETTINGS', flags, entries };
    }
    case FrameType.PING:
      need(payload, 4, 'PING');
      return { type: 'PING', id: payload.readUInt32BE(0) };
    case FrameType.GOAWAY:
      need(payload, 8, 'GOAWAY');
      return { type: 'GOAWAY', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case FrameType.WINDOW_UPDATE:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'WINDOW_UPDATE', streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'UNKNOWN', frameType: type, flags, payload };
  }
}

/** Splits a byte stream into whole frames; feed it chunks as they arrive. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Appends bytes and returns every frame now complete (raw, header included). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const head = this.peek(FRAME_HEADER_BYTES);
      const total = FRAME_HEADER_BYTES + (head.readUInt32BE(4) & 0xffffff);
      if (this.buffered < total) break;
      frames.push(this.take(total));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const head = this.peek(n);
    const first = this.chunks[0]!;
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    // Copy so the frame does not pin a large joined buffer.
    return Buffer.from(head);
  }
}
