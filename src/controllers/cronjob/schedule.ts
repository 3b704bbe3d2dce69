// When a cron schedule fires, in a time zone: schedules are matched against wall-clock fields
// in the zone (via Intl), stepping whole minutes and skipping non-matching days and hours.
import { parseCronSchedule, type CronSchedule } from '../../api/batch/v1/cron.js';
import { rfc3339 } from '../../util/time.js';

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

interface WallClock {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallClock(ms: number, zone: string): WallClock {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  }
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone === 'Local' ? undefined : zone, hourCycle: 'h23', month: 'numeric', day: 'numeric', weekday: 'short', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return { month: Number(parts['month']), day: Number(parts['day']), weekday: WEEKDAYS[parts['weekday'] ?? 'Sun'] ?? 0, hour: Number(parts['hour']) % 24, minute: Number(parts['minute']) };
}

function dayMatches(s: Extract<CronSchedule, { kind: 'fields' }>, w: WallClock): boolean {
  const dom = s.dayOfMonth.has(w.day);
  const dow = s.dayOfWeek.has(w.weekday);
  // robfig/cron: when either field is a star both must match, otherwise either may.
  return s.domStar || s.dowStar ? dom && dow : dom || dow;
}

/** The first firing strictly after `afterMs`, or undefined if there is none within five years. */
export function nextFiring(schedule: CronSchedule, afterMs: number, zone = 'UTC'): number | undefined {
  if (schedule.kind === 'every') {
    const step = Math.max(1, schedule.seconds) * 1000;
    return Math.floor(afterMs / 1000) * 1000 + step;
  }
  const tz = schedule.location ?? zone;
  let t = Math.floor(afterMs / MINUTE) * MINUTE + MINUTE;
  const limit = afterMs + 5 * 366 * 24 * 60 * MINUTE;
  while (t <= limit) {
    const w = wallClock(t, tz);
    if (!schedule.month.has(w.month) || !dayMatches(schedule, w)) {
      t += (24 * 60 - w.hour * 60 - w.minute) * MINUTE;
      continue;
    }
    if (!schedule.hour.has(w.hour)) {
      t += (60 - w.minute) * MINUTE;
      continue;
    }
    if (!schedule.minute.has(w.minute)) {
      t += MINUTE;
      continue;
    }
    return t;
  }
  return undefined;
}

export interface MissedRuns {
  /** The latest firing in (earliest, now], if any. */
  mostRecent?: number;
  /** How many firings fell in that window (upstream warns past 100). */
  count: number;
  next?: number;
}

/** Firings in (earliestMs, nowMs]; counting stops early past `cap`, which is all callers need. */
export function missedRuns(schedule: CronSchedule, earliestMs: number, nowMs: number, zone = 'UTC', cap = 1000): MissedRuns {
  let count = 0;
  let mostRecent: number | undefined;
  let t = nextFiring(schedule, earliestMs, zone);
  while (t !== undefined && t <= nowMs) {
    count++;
    mostRecent = t;
    if (count >= cap) {
      // Too many to walk: jump close to now and carry on from there.
      const jumpFrom = nowMs - 2 * 24 * 60 * MINUTE;
      if (jumpFrom > t) {
        const further = nextFiring(schedule, jumpFrom, zone);
        if (further === undefined) break;
        t = further;
        continue;
      }
    }
    t = nextFiring(schedule, t, zone);
  }
  return { mostRecent, count, next: t };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** RFC 3339 of an instant as the zone's wall clock with its offset (Go's time.RFC3339 in that location). */
export function rfc3339InZone(ms: number, zone = 'UTC'): string {
  const whole = Math.floor(ms / 1000) * 1000;
  if (zone === 'UTC') return rfc3339(whole);
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone === 'Local' ? undefined : zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(whole))) parts[p.type] = p.value;
  const y = Number(parts['year']);
  const wall = Date.UTC(y, Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']) % 24, Number(parts['minute']), Number(parts['second']));
  const offsetMin = Math.round((wall - whole) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const date = `${String(y).padStart(4, '0')}-${two(Number(parts['month']))}-${two(Number(parts['day']))}T${two(Number(parts['hour']) % 24)}:${two(Number(parts['minute']))}:${two(Number(parts['second']))}`;
  return offsetMin === 0 ? `${date}Z` : `${date}${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

export { parseCronSchedule };
