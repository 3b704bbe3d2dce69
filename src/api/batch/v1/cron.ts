// The cron dialect CronJob schedules are written in: robfig/cron's standard parser (five fields,
// month and weekday names, ranges, steps, `?`, the @yearly…@hourly descriptors and `@every <duration>`),
// reporting errors with that parser's wording, which upstream puts in validation messages.
import { DurationError, parseGoDuration } from '../../../util/duration.js';

export interface CronBounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const months: CronBounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const weekdays: CronBounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
export const cronFields: readonly CronBounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, months, weekdays];

/** A parsed schedule: the allowed values of each field, or a fixed interval for `@every`. */
export type CronSchedule =
  | { kind: 'fields'; minute: Set<number>; hour: Set<number>; dayOfMonth: Set<number>; month: Set<number>; dayOfWeek: Set<number>; domStar: boolean; dowStar: boolean; location?: string }
  | { kind: 'every'; seconds: number; location?: string };

export class CronError extends Error {}

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** strconv.Atoi's acceptance: optional sign, decimal digits, nothing else. */
function atoi(expr: string): number {
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number.parseInt(expr, 10);
  if (n < 0) throw new CronError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function intOrName(expr: string, b: CronBounds): number {
  const named = b.names?.[expr.toLowerCase()];
  return named !== undefined ? named : atoi(expr);
}

function parseRange(expr: string, b: CronBounds, into: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh[0] === '*' || lowHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowHigh[0]!, b);
    if (lowHigh.length === 1) end = start;
    else if (lowHigh.length === 2) end = intOrName(lowHigh[1]!, b);
    else throw new CronError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = atoi(rangeAndStep[1]!);
    // "N/step" means "N through the maximum, every step".
    if (lowHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) into.add(v);
  return star;
}

function parseField(field: string, b: CronBounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',').filter((x) => x !== '')) star = parseRange(part, b, values) || star;
  return { values, star };
}

/** Go's time.ParseDuration, in seconds; a bad duration is a bad schedule. */
function everyDuration(text: string): number {
  try {
    return parseGoDuration(text);
  } catch (err) {
    if (err instanceof DurationError) throw new CronError(err.message);
    throw err;
  }
}

export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC' || name === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Parses a schedule or throws a CronError whose message is robfig/cron's. */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronError('empty spec string');
  let rest = spec;
  let location: string | undefined;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const eq = rest.indexOf('=');
    const name = space < 0 ? rest.slice(eq + 1) : rest.slice(eq + 1, space);
    if (!isKnownTimeZone(name)) throw new CronError(`provided bad location ${name}: unknown time zone ${name}`);
    location = name;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) {
    const fixed = descriptors[rest];
    if (fixed) return { ...parseFields(fixed), location };
    if (rest.startsWith('@every ')) {
      try {
        return { kind: 'every', seconds: everyDuration(rest.slice('@every '.length)), location };
      } catch (e) {
        throw new CronError(`failed to parse duration ${rest}: ${(e as Error).message}`);
      }
    }
    throw new CronError(`unrecognized descriptor: ${rest}`);
  }
  return { ...parseFields(rest), location };
}

function parseFields(text: string): Extract<CronSchedule, { kind: 'fields' }> {
  const fields = text.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, cronFields[i]!));
  return {
    kind: 'fields',
    minute: minute!.values,
    hour: hour!.values,
    dayOfMonth: dom!.values,
    month: month!.values,
    dayOfWeek: dow!.values,
    domStar: dom!.star,
    dowStar: dow!.star,
  };
}

/** The parser's complaint about a schedule, or undefined when it is valid. */
export function cronScheduleError(spec: string): string | undefined {
  try {
    parseCronSchedule(spec);
    return undefined;
  } catch (e) {
    if (e instanceof CronError) return e.message;
    throw e;
  }
}
