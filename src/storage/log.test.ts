import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prefixEnd } from './log.js';

describe('prefixEnd', () => {
  it('is the smallest string above every string with the prefix', () => {
    assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
    assert.equal(prefixEnd('a'), 'b');
    assert.equal(prefixEnd(''), undefined);
    assert.equal(prefixEnd('a\u{10ffff}'), 'b');
    assert.equal(prefixEnd('\u{d7ff}'), '\u{e000}');
    for (const s of ['/registry/pods/x', '/registry/pods/\u{10ffff}']) assert.ok(s < prefixEnd('/registry/pods/')!);
    assert.ok('/registry/podsecurity/' >= prefixEnd('/registry/pods/')!);
  });
});
