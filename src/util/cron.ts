// Cron schedules as k3s's --etcd-snapshot-schedule-cron takes them (robfig/cron's standard
// parser): five fields, minute hour day-of-month month day-of-week, each `*`, a number, a range
// `a-b`, a step `*/n` or `a-b/n`, or a comma list of these; month and weekday names (jan, mon);
// the descriptors @yearly @monthly @weekly @daily @midnight @hourly and `@every <Go duration>`.
// As in every cron, when both day fields are restricted a day matching either one matches.
// Times are the machine's local time, as k3s's schedule is.
import { parseGoDuration } from './duration.js';

export interface CronSchedule {
  /** The first time after `after` (strictly) that the schedule fires. */
  next(after: Date): Date;
}

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function value(f: Field, text: string, spec: string): number {
  const named = f.names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + (f.name === 'month' ? 1 : 0) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < f.min || n > f.max) throw new Error(`invalid cron schedule "${spec}": ${f.name} "${text}" is not ${f.min}-${f.max}`);
  return n;
}

/** The set of values one field allows, and whether it was `*` (for the day-field rule). */
function parseField(f: Field, text: string, spec: string): { allowed: Set<number>; star: boolean } {
  const allowed = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw new Error(`invalid cron schedule "${spec}": bad ${f.name} "${part}"`);
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) && Number(stepText) > 0 ? Number(stepText) : NaN;
    if (!Number.isInteger(step)) throw new Error(`invalid cron schedule "${spec}": bad step "${stepText}" in ${f.name}`);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      [lo, hi] = [f.min, f.max];
      if (stepText === undefined) star = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [lo, hi] = [value(f, a ?? '', spec), value(f, b ?? '', spec)];
      if (lo > hi) throw new Error(`invalid cron schedule "${spec}": ${f.name} range "${range}" runs backwards`);
    } else {
      lo = value(f, range, spec);
      // `5/15` means from 5 to the end, every 15.
      hi = stepText === undefined ? lo : f.max;
    }
    for (let v = lo; v <= hi; v += step) allowed.add(f.name === 'day of week' && v === 7 ? 0 : v);
  }
  return { allowed, star };
}

export function parseCron(spec: string): CronSchedule {
  const trimmed = spec.trim();
  if (trimmed.startsWith('@every ')) {
    let seconds: number;
    try {
      seconds = parseGoDuration(trimmed.slice('@every '.length).trim());
    } catch (err) {
      throw new Error(`invalid cron schedule "${spec}": ${(err as Error).message}`);
    }
    if (seconds < 1) throw new Error(`invalid cron schedule "${spec}": @every needs at least 1s`);
    return { next: (after) => new Date(after.getTime() + seconds * 1000) };
  }
  const expr = DESCRIPTORS[trimmed.toLowerCase()] ?? trimmed;
  const parts = expr.split(/\s+/);
  if (parts.length !== 5) throw new Error(`invalid cron schedule "${spec}": expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  const [minute, hour, dom, month, dow] = FIELDS.map((f, i) => parseField(f, parts[i]!, spec)) as [ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>, ReturnType<typeof parseField>];
  const dayMatches = (d: Date): boolean => {
    const byDom = dom.allowed.has(d.getDate());
    const byDow = dow.allowed.has(d.getDay());
    if (dom.star || dow.star) return byDom && byDow;
    return byDom || byDow;
  };
  return {
    next(after) {
      const t = new Date(after.getTime());
      t.setSeconds(0, 0);
      t.setMinutes(t.getMinutes() + 1);
      // Coarse jumps (a month, a day, an hour at a time) keep this to a few hundred steps a year.
      const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
      while (t.getTime() <= limit) {
        if (!month.allowed.has(t.getMonth() + 1)) {
          t.setMonth(t.getMonth() + 1, 1);
          t.setHours(0, 0, 0, 0);
        } else if (!dayMatches(t)) {
          t.setDate(t.getDate() + 1);
          t.setHours(0, 0, 0, 0);
        } else if (!hour.allowed.has(t.getHours())) {
          t.setHours(t.getHours() + 1, 0, 0, 0);
        } else if (!minute.allowed.has(t.getMinutes())) {
          t.setMinutes(t.getMinutes() + 1, 0, 0);
        } else {
          return t;
        }
      }
      throw new Error(`cron schedule "${spec}" never fires`);
    },
  };
}

/**
 * Runs `job` at each time the schedule fires until stopped; a run still going when the next is
 * due makes that one skip (robfig/cron's SkipIfStillRunning, as k3s's snapshots).
 */
export function runOnSchedule(schedule: CronSchedule, job: () => Promise<void>, now: () => Date = () => new Date()): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;
  const fire = (at: Date) => {
    if (!running) {
      running = true;
      void job().finally(() => (running = false));
    }
    waitFor(schedule.next(new Date(Math.max(now().getTime(), at.getTime()))));
  };
  const waitFor = (at: Date) => {
    if (stopped) return;
    const left = at.getTime() - now().getTime();
    // setTimeout's limit is about 24.8 days: longer waits are taken in steps.
    timer = setTimeout(() => (left > 2 ** 31 - 1 ? waitFor(at) : fire(at)), Math.min(Math.max(0, left), 2 ** 31 - 1));
    timer.unref();
  };
  waitFor(schedule.next(now()));
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
