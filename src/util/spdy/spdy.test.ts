import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { once } from 'node:events';
import { randomBytes, createHash } from 'node:crypto';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FrameReader, decodeFrame, encodeFrame, FLAG_FIN, RstStatus, type Frame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, parseHeaders, serializeHeaders } from './header-block.js';
import { SpdySession, type SpdyStream } from './session.js';

test('the SPDY/3 dictionary has the specified size and layout', () => {
  assert.equal(SPDY3_DICTIONARY.length, 1423);
  assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
  assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith(',*,enq=0.'));
});

test('every frame type survives encode/decode, also when split across chunks', () => {
  const frames: Frame[] = [
    { type: 'DATA', streamId: 5, flags: FLAG_FIN, data: Buffer.from('hello') },
    { type: 'SYN_STREAM', streamId: 3, associatedId: 1, priority: 7, slot: 0, flags: 2, headerBlock: Buffer.from([1, 2, 3]) },
    { type: 'SYN_REPLY', streamId: 3, flags: 1, headerBlock: Buffer.from([9]) },
    { type: 'RST_STREAM', streamId: 3, status: RstStatus.CANCEL },
    { type: 'SETTINGS', flags: 1, entries: [{ flags: 1, id: 7, value: 131072 }, { flags: 0, id: 4, value: 100 }] },
    { type: 'PING', id: 0x7ffffffd },
    { type: 'GOAWAY', lastGoodStreamId: 9, status: 2 },
    { type: 'HEADERS', streamId: 7, flags: 0, headerBlock: Buffer.alloc(0) },
    { type: 'WINDOW_UPDATE', streamId: 1, delta: 0x7fffffff },
    { type: 'UNKNOWN', frameType: 10, flags: 0, payload: Buffer.from('x') },
  ];
  const wire = Buffer.concat(frames.map(encodeFrame));
  // Control bit, version 3 and type in the first word; length in the low 24 bits of the second.
  assert.equal(wire.readUInt16BE(13), 0x8003);
  const reader = new FrameReader();
  const got: Frame[] = [];
  for (let i = 0; i < wire.length; i += 3) for (const raw of reader.push(wire.subarray(i, i + 3))) got.push(decodeFrame(raw));
  assert.deepEqual(got, frames);
});

test('a data frame has the control bit clear and flags above the 24-bit length', () => {
  const b = encodeFrame({ type: 'DATA', streamId: 0x12345, flags: FLAG_FIN, data: Buffer.alloc(300) });
  assert.equal(b.readUInt32BE(0), 0x12345);
  assert.equal(b.readUInt32BE(4), (1 << 24) | 300);
});

test('header blocks: lower-cased names, NUL-joined values, round trip through compression', async () => {
  const raw = serializeHeaders({ StreamType: 'stdout', Multi: ['a', 'b'] });
  assert.deepEqual(parseHeaders(raw), { streamtype: 'stdout', multi: ['a', 'b'] });
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  try {
    for (let i = 0; i < 5; i++) {
      const h = { streamtype: 'data', port: String(8000 + i), requestid: String(i), big: 'x'.repeat(i * 40000) };
      assert.deepEqual(await d.decompress(c.compress(h)), h);
    }
  } finally {
    d.close();
  }
});

test('header blocks compressed by a real deflater with the dictionary (as Go peers send) decode in sequence', async () => {
  const deflate = zlib.createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
  const blocks: Buffer[] = [];
  for (const h of [{ streamtype: 'error', port: '80' } as Record<string, string>, { streamtype: 'data', port: '80' }, { streamtype: 'data', port: '81', 'content-type': 'text/plain' }]) {
    deflate.write(serializeHeaders(h));
    await new Promise<void>((r) => deflate.flush(zlib.constants.Z_SYNC_FLUSH, () => r()));
    const out: Buffer[] = [];
    for (let c: Buffer | null; (c = deflate.read() as Buffer | null) !== null; ) out.push(c);
    blocks.push(Buffer.concat(out));
  }
  deflate.close();
  const d = new HeaderDecompressor();
  try {
    assert.deepEqual(await d.decompress(blocks[0]!), { streamtype: 'error', port: '80' });
    assert.deepEqual(await d.decompress(blocks[1]!), { streamtype: 'data', port: '80' });
    assert.deepEqual(await d.decompress(blocks[2]!), { streamtype: 'data', port: '81', 'content-type': 'text/plain' });
    await assert.rejects(d.decompress(Buffer.from('garbage that is not deflate')));
  } finally {
    d.close();
  }
});

async function socketPair(): Promise<{ a: net.Socket; b: net.Socket; close: () => void }> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const accepted = once(server, 'connection');
  const a = net.connect(port, '127.0.0.1');
  const [b] = (await accepted) as [net.Socket];
  await once(a, 'connect').catch(() => undefined);
  return {
    a,
    b,
    close: () => {
      a.destroy();
      b.destroy();
      server.close();
    },
  };
}

function collect(s: SpdyStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => s.on('end', () => resolve(Buffer.concat(chunks))));
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('client and server sessions exchange streams with large payloads and half-close', async () => {
  const pair = await socketPair();
  try {
    const client = new SpdySession(pair.a, { role: 'client' });
    const server = new SpdySession(pair.b, { role: 'server' });
    const received = new Map<string, Promise<Buffer>>();
    server.on('stream', (s) => {
      const name = String(s.headers['name']);
      s.respond({ accepted: name });
      const body = collect(s);
      received.set(name, body);
      // Echo back reversed once the client half-closes, then half-close our side.
      void body.then((b) => s.end(Buffer.from(b).reverse()));
    });
    const payloads = [randomBytes(1024 * 1024 + 17), randomBytes(300 * 1024), Buffer.alloc(0)];
    const streams = payloads.map((_, i) => client.openStream({ Name: `s${i}`, streamType: 'data' }));
    const replies = await Promise.all(streams.map((s) => s.reply));
    assert.deepEqual(replies.map((r) => r['accepted']), ['s0', 's1', 's2']);
    const echoes = streams.map(collect);
    streams.forEach((s, i) => s.end(payloads[i]));
    const got = await Promise.all(echoes);
    for (let i = 0; i < payloads.length; i++) {
      assert.equal(sha((await received.get(`s${i}`))!), sha(payloads[i]!));
      assert.equal(sha(got[i]!), sha(Buffer.from(payloads[i]!).reverse()));
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(client.streamCount, 0, 'fully closed streams are forgotten');
    assert.ok((await client.ping()) >= 0);
    assert.ok((await server.ping()) >= 0);
  } finally {
    pair.close();
  }
});

test('the sender stops at the peer window until the reader consumes', async () => {
  const pair = await socketPair();
  try {
    const client = new SpdySession(pair.a, { role: 'client' });
    const server = new SpdySession(pair.b, { role: 'server' });
    const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
    const s = client.openStream({ name: 'slow' });
    const [peer] = await accepted;
    peer.respond();
    await s.reply;
    const payload = randomBytes(512 * 1024);
    s.end(payload);
    await new Promise((r) => setTimeout(r, 300));
    // Nothing read yet: at most one window (64 KiB) plus frame overhead may be on the wire.
    assert.ok(pair.a.bytesWritten < 64 * 1024 + 4096, `sent ${pair.a.bytesWritten} bytes before any WINDOW_UPDATE`);
    const body = await collect(peer);
    assert.equal(sha(body), sha(payload));
  } finally {
    pair.close();
  }
});

test('reset, refused streams and GOAWAY', async () => {
  const pair = await socketPair();
  try {
    const client = new SpdySession(pair.a, { role: 'client' });
    const server = new SpdySession(pair.b, { role: 'server' });
    server.on('stream', (s) => {
      if (s.headers['action'] === 'reset') s.reset(RstStatus.REFUSED_STREAM);
      else s.respond({});
    });
    const r = client.openStream({ action: 'reset' });
    await assert.rejects(r.reply, /reset by peer/);
    assert.equal(r.resetCode, RstStatus.REFUSED_STREAM);
    const ok = client.openStream({ action: 'ok' });
    await ok.reply;
    const okEnded = once(ok, 'end');
    ok.resume();
    const goaway = once(client, 'goaway');
    server.goAway();
    const [lastGood] = await goaway;
    assert.equal(lastGood, 3);
    assert.throws(() => client.openStream({}), /closed/);
    const closed = once(client, 'close');
    server.close();
    await closed;
    // The connection going away ends the streams still open on it.
    await okEnded;
  } finally {
    pair.close();
  }
});

test('malformed input ends the session without throwing', async () => {
  const pair = await socketPair();
  try {
    const server = new SpdySession(pair.b, { role: 'server' });
    server.on('stream', () => undefined);
    const closed = once(server, 'close');
    // A SYN_STREAM whose header block is not zlib data.
    pair.a.write(encodeFrame({ type: 'SYN_STREAM', streamId: 1, associatedId: 0, priority: 0, slot: 0, flags: 0, headerBlock: Buffer.from('nonsense!') }));
    const [err] = await closed;
    assert.match(String(err), /decompression/);
  } finally {
    pair.close();
  }
});

test('frames that arrived before a connection reset are still delivered', async () => {
  // The peer answers, writes its last data with FIN and closes with our window updates unread,
  // so its kernel resets the connection: the reset lands while our frames are still being handled.
  const { Duplex } = await import('node:stream');
  const socket = new Duplex({ read() {}, write(_chunk, _enc, cb) { cb(); } });
  const client = new SpdySession(socket, { role: 'client' });
  const stream = client.openStream({ streamType: 'error' });
  const body = collect(stream);
  const closed = once(client, 'close');
  const frames = [
    encodeFrame({ type: 'SYN_REPLY', streamId: stream.id, flags: 0, headerBlock: new HeaderCompressor().compress({}) }),
    encodeFrame({ type: 'DATA', streamId: stream.id, flags: 0, data: Buffer.from('{"status":"Failure",') }),
    encodeFrame({ type: 'DATA', streamId: stream.id, flags: FLAG_FIN, data: Buffer.from('"reason":"NonZeroExitCode"}') }),
  ];
  socket.push(Buffer.concat(frames));
  socket.destroy(new Error('read ECONNRESET'));
  assert.equal((await body).toString(), '{"status":"Failure","reason":"NonZeroExitCode"}');
  const [err] = await closed;
  assert.match(String(err), /ECONNRESET/);
});
