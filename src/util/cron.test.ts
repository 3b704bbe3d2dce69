import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCron, runOnSchedule } from './cron.js';

// Local times, as the schedule reads them.
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi, 0, 0);
const fmt = (d: Date) => `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()} ${d.getHours()}:${String(d.getMinutes()).padStart(2, '0')}`;
const nexts = (spec: string, from: Date, n: number) => {
  const s = parseCron(spec);
  const out: string[] = [];
  for (let t = from; out.length < n; ) out.push(fmt((t = s.next(t))));
  return out;
};

describe('cron schedules (k3s --etcd-snapshot-schedule-cron)', () => {
  it("k3s's default 0 */12 * * * fires at 00:00 and 12:00", () => {
    assert.deepEqual(nexts('0 */12 * * *', at(2026, 3, 1, 5, 17), 3), ['2026-3-1 12:00', '2026-3-2 0:00', '2026-3-2 12:00']);
  });
  it('strictly after the given time', () => {
    assert.deepEqual(nexts('0 */12 * * *', at(2026, 3, 1, 12, 0), 1), ['2026-3-2 0:00']);
  });
  it('steps, ranges, lists and names', () => {
    assert.deepEqual(nexts('*/20 9-10 * * *', at(2026, 3, 1, 10, 30), 3), ['2026-3-1 10:40', '2026-3-2 9:00', '2026-3-2 9:20']);
    assert.deepEqual(nexts('30 4 * jan,jul mon', at(2026, 1, 1), 2), ['2026-1-5 4:30', '2026-1-12 4:30']);
    assert.deepEqual(nexts('0 0 * * 7', at(2026, 3, 2), 1), ['2026-3-8 0:00'], '7 is Sunday');
    assert.deepEqual(nexts('5/30 0 * * *', at(2026, 3, 1), 2), ['2026-3-1 0:05', '2026-3-1 0:35']);
  });
  it('either day field matches when both are restricted', () => {
    // The 13th, or any Friday.
    assert.deepEqual(nexts('0 0 13 * fri', at(2026, 3, 1), 3), ['2026-3-6 0:00', '2026-3-13 0:00', '2026-3-20 0:00']);
  });
  it('month ends and leap days', () => {
    assert.deepEqual(nexts('0 0 31 * *', at(2026, 1, 31, 1), 2), ['2026-3-31 0:00', '2026-5-31 0:00']);
    assert.deepEqual(nexts('0 0 29 2 *', at(2026, 1, 1), 1), ['2028-2-29 0:00']);
  });
  it('descriptors and @every', () => {
    assert.deepEqual(nexts('@daily', at(2026, 3, 1, 5), 1), ['2026-3-2 0:00']);
    assert.deepEqual(nexts('@hourly', at(2026, 3, 1, 5, 1), 1), ['2026-3-1 6:00']);
    assert.equal(parseCron('@every 90s').next(new Date(1000)).getTime(), 91_000);
  });
  it('one-line errors for bad schedules', () => {
    assert.throws(() => parseCron('0 */12 * *'), /expected 5 fields/);
    assert.throws(() => parseCron('61 * * * *'), /minute "61" is not 0-59/);
    assert.throws(() => parseCron('0 0 * * funday'), /day of week "funday"/);
    assert.throws(() => parseCron('*/0 * * * *'), /bad step/);
    assert.throws(() => parseCron('0 5-2 * * *'), /runs backwards/);
    assert.throws(() => parseCron('0 0 30 2 *').next(new Date()), /never fires/);
    assert.throws(() => parseCron('@every soon'), /invalid cron schedule/);
  });
  it('runs the job when due and skips a run while the last one still runs', async () => {
    let runs = 0;
    let release: () => void = () => undefined;
    const r = runOnSchedule(parseCron('@every 1s'), () => {
      runs++;
      return new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((res) => setTimeout(res, 2600));
    assert.equal(runs, 1, 'the second firing is skipped: the first is still running');
    release();
    await new Promise((res) => setTimeout(res, 1200));
    r.stop();
    release();
    assert.equal(runs, 2);
  });
});
