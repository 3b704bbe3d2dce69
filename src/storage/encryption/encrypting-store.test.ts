import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { MemoryStore } from '../memory.js';
import { EncryptingStore } from './encrypting-store.js';
import { aescbc, aesgcm, identity, secretbox, TransformerChain } from './providers.js';

const PLAIN = Buffer.from('{"kind":"Secret","data":{"password":"aHVudGVyMg=="}}');
const KEY = '/registry/secrets/default/s1';

describe('value transformers', () => {
  for (const make of [aescbc, aesgcm, secretbox]) {
    it(`${make.name} writes upstream's prefix and reads back what it wrote`, () => {
      const t = make('key1', randomBytes(32));
      const sealed = t.seal(PLAIN, KEY);
      assert.ok(sealed.subarray(0, t.prefix.length).toString().startsWith(`k8s:enc:${make.name}:v1:key1:`));
      assert.ok(!sealed.includes(PLAIN) && !sealed.includes(Buffer.from('aHVudGVyMg')));
      assert.deepEqual(t.open(sealed.subarray(t.prefix.length), KEY), PLAIN);
      // Each write draws a fresh IV/nonce.
      assert.notDeepEqual(t.seal(PLAIN, KEY), sealed);
      // Another key of the same size does not open it.
      const other = make('key1', randomBytes(32));
      assert.throws(() => assert.deepEqual(other.open(sealed.subarray(t.prefix.length), KEY), PLAIN));
    });
  }

  it('aescbc is plain AES-CBC with the IV first, as upstream stores it', () => {
    const key = randomBytes(32);
    const sealed = aescbc('k', key).seal(PLAIN, KEY);
    const body = sealed.subarray('k8s:enc:aescbc:v1:k:'.length);
    const d = createDecipheriv('aes-256-cbc', key, body.subarray(0, 16));
    assert.deepEqual(Buffer.concat([d.update(body.subarray(16)), d.final()]), PLAIN);
  });

  it('aesgcm binds the value to its storage key', () => {
    const t = aesgcm('k', randomBytes(16));
    const sealed = t.seal(PLAIN, KEY);
    assert.throws(() => t.open(sealed.subarray(t.prefix.length), '/registry/secrets/default/other'));
  });

  it('refuses keys of the wrong size', () => {
    assert.throws(() => aescbc('k', randomBytes(20)), /16, 24 or 32 bytes/);
    assert.throws(() => secretbox('k', randomBytes(16)), /32 bytes/);
  });

  it('reads with every transformer, writes with the first, and calls other readers stale', () => {
    const old = aescbc('old', randomBytes(32));
    const now = aescbc('new', randomBytes(32));
    const chain = new TransformerChain([now, old, identity]);
    assert.equal(chain.seal(PLAIN, KEY).subarray(0, now.prefix.length).toString(), 'k8s:enc:aescbc:v1:new:');
    assert.deepEqual(chain.open(old.seal(PLAIN, KEY), KEY), { plain: PLAIN, stale: true });
    assert.deepEqual(chain.open(now.seal(PLAIN, KEY), KEY), { plain: PLAIN, stale: false });
    assert.deepEqual(chain.open(PLAIN, KEY), { plain: PLAIN, stale: true });
    // A key it no longer has: identity must not pass ciphertext on as an object.
    assert.throws(() => chain.open(aescbc('gone', randomBytes(32)).seal(PLAIN, KEY), KEY), /identity transformer tried to read encrypted data/);
    assert.throws(() => new TransformerChain([now]).open(PLAIN, KEY), /no matching prefix found/);
  });
});

describe('EncryptingStore', () => {
  it('keeps ciphertext below and plain values above, in reads, writes, conflicts and watches', async () => {
    const raw = new MemoryStore();
    const t = aescbc('k1', randomBytes(32));
    const store = new EncryptingStore(raw, [{ keyPrefixes: ['/registry/secrets/'], chain: new TransformerChain([t, identity]) }]);
    const seen: string[] = [];
    const w = store.watch('/registry/', { afterRevision: 0, onEvents: (evs) => evs.forEach((e) => seen.push(e.kv.value.toString())) });
    const rev = await store.create(KEY, PLAIN);
    await store.create('/registry/configmaps/default/c', Buffer.from('cm'));
    assert.ok((await raw.get(KEY))!.value.toString().startsWith('k8s:enc:aescbc:v1:k1:'));
    assert.equal((await raw.get('/registry/configmaps/default/c'))!.value.toString(), 'cm');
    assert.deepEqual((await store.get(KEY))!.value, PLAIN);
    assert.deepEqual((await store.list('/registry/secrets/')).kvs.map((kv) => kv.value.toString()), [PLAIN.toString()]);
    await store.update(KEY, Buffer.from('v2'), rev);
    await assert.rejects(store.update(KEY, Buffer.from('v3'), rev), (err: Error & { current?: { value: Buffer } }) => err.current?.value.toString() === 'v2');
    const del = await store.delete(KEY);
    assert.equal(del.prev.value.toString(), 'v2');
    await new Promise((r) => setTimeout(r, 20));
    w.close();
    assert.deepEqual(seen, [PLAIN.toString(), 'cm', 'v2', 'v2']);
    await store.close();
  });

  it('rewrites what older keys and plain writes left with the first key', async () => {
    const raw = new MemoryStore();
    const old = aescbc('old', randomBytes(32));
    const before = new EncryptingStore(raw, [{ keyPrefixes: ['/registry/secrets/'], chain: new TransformerChain([old]) }]);
    for (let i = 0; i < 1200; i++) await before.create(`/registry/secrets/ns/s${String(i).padStart(4, '0')}`, Buffer.from(`value-${i}`));
    await raw.create('/registry/secrets/ns/plain', Buffer.from('written-before-encryption'));
    const now = aesgcm('new', randomBytes(32));
    const after = new EncryptingStore(raw, [{ keyPrefixes: ['/registry/secrets/'], chain: new TransformerChain([now, old, identity]) }]);
    assert.deepEqual(await after.rewriteStale(), { rewritten: 1201, current: 0 });
    assert.deepEqual(await after.rewriteStale(), { rewritten: 0, current: 1201 });
    const { kvs } = await raw.list('/registry/secrets/');
    assert.ok(kvs.every((kv) => kv.value.toString().startsWith('k8s:enc:aesgcm:v1:new:')));
    // The old key can go now.
    const only = new EncryptingStore(raw, [{ keyPrefixes: ['/registry/secrets/'], chain: new TransformerChain([now]) }]);
    assert.equal((await only.get('/registry/secrets/ns/s0007'))!.value.toString(), 'value-7');
    assert.equal((await only.get('/registry/secrets/ns/plain'))!.value.toString(), 'written-before-encryption');
    await raw.close();
  });
});
