import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openAuditLog } from './log-writer.js';

describe('audit log file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-auditlog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('appends lines, rotates past maxsize as <name>-<time><ext>, and keeps maxbackup files', async () => {
    const path = join(dir, 'audit.log');
    const line = `${'x'.repeat(100 * 1024 - 1)}\n`;
    const log = openAuditLog({ path, maxSizeMB: 1, maxBackups: 2 });
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 10; i++) log.write(line);
      // Rotated names carry the time to the millisecond: rounds must not share one.
      await new Promise((r) => setTimeout(r, 5));
    }
    log.write('last\n');
    log.close();
    log.write('after close is dropped\n');
    const files = readdirSync(dir).sort();
    const backups = files.filter((f) => /^audit-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log$/.test(f));
    assert.equal(backups.length, 2, files.join(' '));
    assert.ok(files.includes('audit.log'));
    for (const b of backups) assert.equal(statSync(join(dir, b)).size, 10 * line.length);
    assert.ok(readFileSync(path, 'utf8').endsWith('last\n'));
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('drops rotated files older than maxage', () => {
    const sub = mkdtempSync(join(dir, 'age-'));
    const path = join(sub, 'a.log');
    const old = join(sub, 'a-2020-01-01T00-00-00.000.log');
    writeFileSync(old, 'old\n');
    const longAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    const log = openAuditLog({ path, maxSizeMB: 1, maxAgeDays: 30 });
    for (let i = 0; i < 11; i++) log.write(`${'y'.repeat(100 * 1024 - 1)}\n`);
    log.close();
    const files = readdirSync(sub);
    assert.ok(!files.includes('a-2020-01-01T00-00-00.000.log'), files.join(' '));
    assert.equal(files.length, 2);
  });
});
