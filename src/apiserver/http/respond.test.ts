import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJsonParts } from './respond.js';

function serve(handler: Parameters<typeof createServer>[1]): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer(handler).listen(0, '127.0.0.1', () => resolve(s));
  });
}

function get(s: Server): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: (s.address() as AddressInfo).port, path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

test('a streamed body is the joined parts, with the exact byte length, across many pieces and multi-byte text', async () => {
  // Enough parts for dozens of pieces, some with characters that take 2-4 bytes in UTF-8.
  const parts = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ name: `p-${i}`, note: i % 7 === 0 ? 'é✓😀'.repeat(50) : 'x'.repeat(900) }));
  const head = '{"kind":"PodList","items":[';
  const s = await serve((_req, res) => void sendJsonParts(res, 200, head, parts, ']}'));
  try {
    const { headers, body } = await get(s);
    const expected = Buffer.from(`${head}${parts.join(',')}]}`);
    assert.equal(headers['content-length'], String(expected.length));
    assert.equal(headers['transfer-encoding'], undefined);
    assert.equal(headers['content-type'], 'application/json');
    assert.ok(body.equals(expected));
    assert.equal((JSON.parse(body.toString()) as { items: unknown[] }).items.length, parts.length);
  } finally {
    s.close();
  }
});

test('an empty list is the head and the tail', async () => {
  const s = await serve((_req, res) => void sendJsonParts(res, 200, '{"items":[', [], ']}'));
  try {
    const { headers, body } = await get(s);
    assert.equal(body.toString(), '{"items":[]}');
    assert.equal(headers['content-length'], '12');
  } finally {
    s.close();
  }
});

test('a client that goes away mid-body ends the stream without writing the rest', async () => {
  const parts = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, pad: 'y'.repeat(1000) }));
  let finished!: (v: unknown) => void;
  const settled = new Promise((r) => (finished = r));
  const s = await serve((_req, res) => {
    sendJsonParts(res, 200, '[', parts, ']').then(finished, finished);
  });
  try {
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: (s.address() as AddressInfo).port, path: '/' }, (res) => {
        // Read one chunk, then hang up while the server is still waiting for the socket to drain.
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.end();
    });
    assert.equal(await settled, undefined);
  } finally {
    s.close();
  }
});
