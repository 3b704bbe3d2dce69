// A SPDY/3.1 session over any Duplex (a TCP socket, a TLS socket, a WebSocket tunnel): streams
// opened with headers, accepted from the peer, each a Duplex with half-close, reset, pings,
// GOAWAY, and per-stream flow control.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  DEFAULT_WINDOW,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameReader,
  GoAwayStatus,
  RstStatus,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SpdyProtocolError,
  decodeFrame,
  encodeFrame,
  type Frame,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header-block.js';

/** Largest DATA payload we send in one frame, so one stream cannot hog the connection. */
const MAX_DATA_CHUNK = 32 * 1024;

export interface SpdySessionOptions {
  role: 'client' | 'server';
  /**
   * Hold our sends to the peer's flow-control window (the spec's rule; default true). Go's
   * spdystream, which kubectl, the kubelet and containerd's streaming server use, neither sends
   * nor reads WINDOW_UPDATE, so a session talking to it must pass false or stall after 64 KiB.
   */
  respectPeerWindow?: boolean;
}

export declare interface SpdySession {
  on(event: 'stream', listener: (stream: SpdyStream) => void): this;
  on(event: 'goaway', listener: (lastGoodStreamId: number, status: number) => void): this;
  on(event: 'close', listener: (err?: Error) => void): this;
  on(event: string, listener: (...args: any[]) => void): this;
}

export class SpdySession extends EventEmitter {
  readonly role: 'client' | 'server';
  private readonly respectPeerWindow: boolean;
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private nextStreamId: number;
  private nextPingId: number;
  private lastPeerStreamId = 0;
  private readonly pings = new Map<number, (rtt: number) => void>();
  /** Frames waiting behind an asynchronous header decompression, in arrival order. */
  private inbox: Buffer[] = [];
  private draining = false;
  /** The transport ended while frames were still queued: shut down once they are handled. */
  private endPending = false;
  private endError: Error | undefined;
  private congested = new Set<SpdyStream>();
  /** Initial send window for new streams, as the peer's SETTINGS say. */
  peerInitialWindow = DEFAULT_WINDOW;
  goneAway = false;
  closed = false;
  closeError: Error | undefined;

  constructor(readonly socket: Duplex, opts: SpdySessionOptions) {
    super();
    this.role = opts.role;
    this.respectPeerWindow = opts.respectPeerWindow ?? true;
    this.nextStreamId = opts.role === 'client' ? 1 : 2;
    this.nextPingId = opts.role === 'client' ? 1 : 2;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.transportEnded());
    socket.on('close', () => this.transportEnded());
    // A reset often follows the peer's last frames (it closed with our window updates unread):
    // frames already received are still delivered, as TCP delivered them, before the error ends the session.
    socket.on('error', (err: Error) => this.transportEnded(err));
  }

  /** Opens a stream (SYN_STREAM). `fin` half-closes our side at once; `reply` resolves with the peer's SYN_REPLY headers. */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean; priority?: number } = {}): SpdyStream {
    if (this.closed || this.goneAway) throw new Error('SPDY session is closed');
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    if (id > 0x7fffffff) throw new Error('SPDY stream ids exhausted');
    const stream = new SpdyStream(this, id, headers, true);
    this.streams.set(id, stream);
    this.writeFrame({
      type: 'SYN_STREAM',
      streamId: id,
      associatedId: 0,
      priority: opts.priority ?? 0,
      slot: 0,
      flags: opts.fin ? FLAG_FIN : 0,
      headerBlock: this.compressor.compress(headers),
    });
    if (opts.fin) stream.markLocalFinSent();
    return stream;
  }

  /** Sends a PING and resolves with the round-trip time in milliseconds. */
  ping(): Promise<number> {
    const id = this.nextPingId;
    this.nextPingId = this.nextPingId + 2 > 0x7fffffff ? (this.role === 'client' ? 1 : 2) : this.nextPingId + 2;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('SPDY session is closed'));
      this.pings.set(id, () => resolve(Date.now() - started));
      this.writeFrame({ type: 'PING', id });
    });
  }

  /** Tells the peer no further streams will be accepted. */
  goAway(status: number = GoAwayStatus.OK): void {
    if (this.closed || this.goneAway) return;
    this.goneAway = true;
    this.writeFrame({ type: 'GOAWAY', lastGoodStreamId: this.lastPeerStreamId, status });
  }

  /** GOAWAY, then end the transport once written. */
  close(): void {
    this.goAway();
    if (!this.closed) this.socket.end();
  }

  destroy(err?: Error): void {
    this.socket.destroy();
    this.shutdown(err);
  }

  /** Streams currently open. */
  get streamCount(): number {
    return this.streams.size;
  }

  // --- used by SpdyStream ---

  writeFrame(f: Frame): boolean {
    if (this.closed || this.socket.destroyed || this.socket.writableEnded) return true;
    return this.socket.write(encodeFrame(f));
  }

  sendReply(stream: SpdyStream, headers: SpdyHeaders, fin: boolean): void {
    this.writeFrame({ type: 'SYN_REPLY', streamId: stream.id, flags: fin ? FLAG_FIN : 0, headerBlock: this.compressor.compress(headers) });
  }

  sendHeaders(stream: SpdyStream, headers: SpdyHeaders, fin: boolean): void {
    this.writeFrame({ type: 'HEADERS', streamId: stream.id, flags: fin ? FLAG_FIN : 0, headerBlock: this.compressor.compress(headers) });
  }

  get enforcesPeerWindow(): boolean {
    return this.respectPeerWindow;
  }

  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
    this.setCongested(stream, false);
  }

  /** A stream whose reader lags holds the whole transport back: bounded memory over fairness. */
  setCongested(stream: SpdyStream, on: boolean): void {
    if (on) this.congested.add(stream);
    else this.congested.delete(stream);
    if (this.congested.size > 0) this.socket.pause();
    else if (!this.closed) this.socket.resume();
  }

  whenDrained(cb: () => void): void {
    if (this.closed || !this.socket.writableNeedDrain) return cb();
    const done = (): void => {
      this.socket.off('drain', done);
      this.socket.off('close', done);
      cb();
    };
    this.socket.on('drain', done);
    this.socket.on('close', done);
  }

  // --- inbound ---

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      return this.protocolError(err as Error);
    }
    this.inbox.push(...frames);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.inbox.length > 0 && !this.closed) {
        const raw = this.inbox.shift()!;
        const frame = decodeFrame(raw);
        await this.handle(frame);
      }
    } catch (err) {
      this.protocolError(err as Error);
    } finally {
      this.draining = false;
    }
    if (this.endPending) this.shutdown(this.endError);
  }

  private transportEnded(err?: Error): void {
    this.endError ??= err;
    if (this.draining || this.inbox.length > 0) this.endPending = true;
    else this.shutdown(this.endError);
  }

  private protocolError(err: Error): void {
    if (this.closed) return;
    this.goAway(GoAwayStatus.PROTOCOL_ERROR);
    this.socket.end();
    this.shutdown(err instanceof SpdyProtocolError ? err : new SpdyProtocolError(err.message));
  }

  private async handle(f: Frame): Promise<void> {
    switch (f.type) {
      case 'DATA': {
        const stream = this.streams.get(f.streamId);
        if (!stream) {
          this.writeFrame({ type: 'RST_STREAM', streamId: f.streamId, status: RstStatus.INVALID_STREAM });
          return;
        }
        stream.receiveData(f.data, (f.flags & FLAG_FIN) !== 0);
        return;
      }
      case 'SYN_STREAM': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const fromPeerParity = this.role === 'server' ? 1 : 0;
        if (f.streamId % 2 !== fromPeerParity || f.streamId <= this.lastPeerStreamId) {
          this.writeFrame({ type: 'RST_STREAM', streamId: f.streamId, status: RstStatus.PROTOCOL_ERROR });
          return;
        }
        this.lastPeerStreamId = f.streamId;
        if (this.goneAway || this.listenerCount('stream') === 0) {
          this.writeFrame({ type: 'RST_STREAM', streamId: f.streamId, status: RstStatus.REFUSED_STREAM });
          return;
        }
        const stream = new SpdyStream(this, f.streamId, headers, false);
        this.streams.set(f.streamId, stream);
        if (f.flags & FLAG_UNIDIRECTIONAL) stream.markLocalFinSent();
        this.emit('stream', stream);
        if (f.flags & FLAG_FIN) stream.receiveData(Buffer.alloc(0), true);
        return;
      }
      case 'SYN_REPLY': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const stream = this.streams.get(f.streamId);
        if (!stream) return;
        stream.receiveReply(headers);
        if (f.flags & FLAG_FIN) stream.receiveData(Buffer.alloc(0), true);
        return;
      }
      case 'HEADERS': {
        const headers = await this.decompressor.decompress(f.headerBlock);
        const stream = this.streams.get(f.streamId);
        if (!stream) return;
        stream.emit('headers', headers);
        if (f.flags & FLAG_FIN) stream.receiveData(Buffer.alloc(0), true);
        return;
      }
      case 'RST_STREAM':
        this.streams.get(f.streamId)?.receiveReset(f.status);
        return;
      case 'SETTINGS':
        for (const e of f.entries) {
          if (e.id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
          const delta = e.value - this.peerInitialWindow;
          this.peerInitialWindow = e.value;
          for (const s of this.streams.values()) s.growSendWindow(delta);
        }
        return;
      case 'PING': {
        const ours = f.id % 2 === (this.role === 'client' ? 1 : 0);
        if (!ours) {
          this.writeFrame({ type: 'PING', id: f.id });
          return;
        }
        const resolve = this.pings.get(f.id);
        this.pings.delete(f.id);
        resolve?.(0);
        return;
      }
      case 'GOAWAY':
        this.goneAway = true;
        this.emit('goaway', f.lastGoodStreamId, f.status);
        return;
      case 'WINDOW_UPDATE':
        // Stream 0 would be a connection-level window (SPDY/3.1); we keep windows per stream only.
        if (f.streamId !== 0) this.streams.get(f.streamId)?.growSendWindow(f.delta);
        return;
      case 'UNKNOWN':
        return;
    }
  }

  private shutdown(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeError = err;
    this.inbox = [];
    this.decompressor.close();
    for (const s of [...this.streams.values()]) s.connectionClosed();
    this.streams.clear();
    this.congested.clear();
    this.pings.clear();
    if (!this.socket.destroyed && this.socket.writableEnded) {
      // We ended our side and the peer ended its side: nothing left to wait for.
      if (this.socket.readableEnded) this.socket.destroy();
    }
    this.emit('close', err);
  }
}

/**
 * One SPDY stream. Writing sends DATA frames (held to the peer's window when the session
 * enforces it); end() half-closes with FLAG_FIN; destroy() before both sides finish sends
 * RST_STREAM CANCEL. A reset from the peer ends the readable side quietly and sets `resetCode`.
 */
export class SpdyStream extends Duplex {
  /** Headers of the SYN_STREAM (ours when we opened it, the peer's otherwise). */
  readonly headers: SpdyHeaders;
  replyHeaders: SpdyHeaders | undefined;
  resetCode: number | undefined;
  readonly reply: Promise<SpdyHeaders>;
  private resolveReply!: (h: SpdyHeaders) => void;
  private rejectReply!: (e: Error) => void;
  private replied: boolean;
  private localFin = false;
  private remoteFin = false;
  private sendWindow: number;
  private unackedReceived = 0;
  private pendingWrite: { data: Buffer; cb: (err?: Error | null) => void } | undefined;
  private dead = false;

  constructor(private readonly session: SpdySession, readonly id: number, headers: SpdyHeaders, readonly local: boolean) {
    super({ allowHalfOpen: true });
    this.headers = headers;
    this.replied = !local; // a stream the peer opened needs no reply from the peer
    this.sendWindow = session.peerInitialWindow;
    this.reply = new Promise((resolve, reject) => {
      this.resolveReply = resolve;
      this.rejectReply = reject;
    });
    // Nobody may be waiting on `reply`; an unobserved rejection must not crash the process.
    this.reply.catch(() => undefined);
    if (!local) this.resolveReply({});
  }

  /** Answers a stream the peer opened (SYN_REPLY). Writing first replies with no headers. */
  respond(headers: SpdyHeaders = {}, fin = false): void {
    if (this.local || this.replyHeaders || this.dead) return;
    this.replyHeaders = headers;
    this.session.sendReply(this, headers, fin);
    if (fin) this.markLocalFinSent();
  }

  /** Aborts the stream with RST_STREAM. */
  reset(status: number = RstStatus.CANCEL): void {
    if (this.dead) return;
    this.session.writeFrame({ type: 'RST_STREAM', streamId: this.id, status });
    this.finishBoth();
    this.destroy();
  }

  // --- Duplex ---

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.dead || this.localFin) return cb();
    if (!this.local && !this.replyHeaders) this.respond({});
    this.pendingWrite = { data: chunk, cb };
    this.pump();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.dead && !this.localFin) {
      if (!this.local && !this.replyHeaders) this.respond({});
      this.session.writeFrame({ type: 'DATA', streamId: this.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
      this.markLocalFinSent();
    }
    cb();
  }

  override _read(): void {
    this.session.setCongested(this, false);
    this.ackReceived(true);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.dead && !(this.localFin && this.remoteFin)) {
      this.session.writeFrame({ type: 'RST_STREAM', streamId: this.id, status: RstStatus.CANCEL });
    }
    this.finishBoth();
    const w = this.pendingWrite;
    this.pendingWrite = undefined;
    w?.cb();
    cb(err);
  }

  // --- called by the session ---

  receiveReply(headers: SpdyHeaders): void {
    if (this.replied) return;
    this.replied = true;
    this.replyHeaders = headers;
    this.resolveReply(headers);
    this.emit('reply', headers);
  }

  receiveData(data: Buffer, fin: boolean): void {
    if (this.remoteFin) {
      if (data.length > 0 || fin) this.session.writeFrame({ type: 'RST_STREAM', streamId: this.id, status: RstStatus.STREAM_ALREADY_CLOSED });
      return;
    }
    if (data.length > 0) {
      this.unackedReceived += data.length;
      if (!this.push(data)) this.session.setCongested(this, true);
      else this.ackReceived(false);
    }
    if (fin) {
      this.remoteFin = true;
      this.push(null);
      this.maybeForget();
    }
  }

  receiveReset(status: number): void {
    this.resetCode = status;
    if (!this.replied) this.rejectReply(new Error(`stream ${this.id} reset by peer (status ${status})`));
    this.emit('reset', status);
    this.finishBoth();
    if (!this.readableEnded) this.push(null);
    // Our writable side is gone too; let pending writers return.
    const w = this.pendingWrite;
    this.pendingWrite = undefined;
    w?.cb();
    if (!this.writableEnded) this.end();
  }

  connectionClosed(): void {
    if (!this.replied) this.rejectReply(new Error('SPDY connection closed'));
    this.finishBoth();
    if (!this.readableEnded) this.push(null);
    const w = this.pendingWrite;
    this.pendingWrite = undefined;
    w?.cb();
    if (!this.writableEnded) this.end();
  }

  growSendWindow(delta: number): void {
    this.sendWindow += delta;
    this.pump();
  }

  markLocalFinSent(): void {
    this.localFin = true;
    this.maybeForget();
  }

  // --- internals ---

  private pump(): void {
    const w = this.pendingWrite;
    if (!w || this.dead) return;
    let flushed = true;
    while (w.data.length > 0) {
      const allowed = this.session.enforcesPeerWindow ? Math.min(this.sendWindow, MAX_DATA_CHUNK) : MAX_DATA_CHUNK;
      if (allowed <= 0) return; // resumed by WINDOW_UPDATE
      const piece = w.data.subarray(0, allowed);
      w.data = w.data.subarray(piece.length);
      this.sendWindow -= piece.length;
      flushed = this.session.writeFrame({ type: 'DATA', streamId: this.id, flags: 0, data: piece });
    }
    this.pendingWrite = undefined;
    if (flushed) w.cb();
    else this.session.whenDrained(() => w.cb());
  }

  /** Returns receive window to the peer as our reader consumes data, in batches of half a window. */
  private ackReceived(force: boolean): void {
    if (this.dead || this.remoteFin || this.unackedReceived === 0) return;
    if (!force && this.unackedReceived < DEFAULT_WINDOW / 2) return;
    if (force && this.readableLength > 0 && this.unackedReceived < DEFAULT_WINDOW / 2) return;
    this.session.writeFrame({ type: 'WINDOW_UPDATE', streamId: this.id, delta: this.unackedReceived });
    this.unackedReceived = 0;
  }

  private finishBoth(): void {
    this.localFin = true;
    this.remoteFin = true;
    this.maybeForget();
  }

  private maybeForget(): void {
    if (this.localFin && this.remoteFin && !this.dead) {
      this.dead = true;
      this.session.forget(this);
    }
  }
}
