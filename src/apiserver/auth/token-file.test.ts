// --token-auth-file's CSV, as upstream's tokenfile reads it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTokenFile } from './token-file.js';

describe('token auth file', () => {
  it('reads token, user, uid and quoted groups', () => {
    assert.deepEqual(parseTokenFile('t1,alice,u1,"g1,g2"\nt2,bob,u2\n\nt3,carol,,\n', 'f'), [
      { token: 't1', user: { name: 'alice', uid: 'u1', groups: ['g1', 'g2'] } },
      { token: 't2', user: { name: 'bob', uid: 'u2', groups: [] } },
      { token: 't3', user: { name: 'carol', groups: [] } },
    ]);
  });

  it('refuses lines with fewer than three columns', () => {
    assert.throws(() => parseTokenFile('t1,alice\n', 'tokens.csv'), /token file 'tokens.csv' must have at least 3 columns \(token, user name, user uid\), found 2/);
  });
});
